import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  parseReviewText
} from "./chunk-VI3CY5FY.js";
import {
  ServerFailure
} from "./chunk-AXCYR7ZC.js";

// src/driver/turn.ts
var INTERRUPT_GRACE_MS = 1e4;
var TurnAbandoned = class extends ServerFailure {
  name = "TurnAbandoned";
};
function startRequest(client, threadId, request) {
  if (request.kind === "review") return client.startReview({ threadId, target: { type: "baseBranch", branch: request.base }, delivery: "inline" });
  return client.startTurn({ threadId, input: [{ type: "text", text: request.prompt, text_elements: [] }] });
}
async function followTurn(deps, threadId, request) {
  const { client, state } = deps;
  const { response, events } = await startRequest(client, threadId, request);
  state.turnId = response.turn.id;
  deps.onStream?.(events);
  const stopper = new TurnStopper(deps, threadId, response.turn.id, events);
  let lastError = null;
  try {
    for await (const event of events) {
      deps.onEvent(event);
      if (event.type === "error" && !event.willRetry) lastError = event.error.message;
      absorb(state, event);
      const budget = deps.budgets.observe(event);
      if (budget) stopper.stop("budget", deps.budgets.describe(budget));
      if (event.type === "turnCompleted") state.turnEnded(event.turn, lastError);
    }
  } catch (err) {
    if (!(err instanceof TurnAbandoned)) throw err;
  } finally {
    stopper.dispose();
  }
}
function absorb(state, event) {
  if (event.type === "itemCompleted" && event.item.type === "agentMessage") state.finalMessage = event.item.text;
  if (event.type === "itemCompleted" && event.item.type === "exitedReviewMode") state.review = parseReviewText(event.item.review);
  if (event.type === "tokenUsage") state.tokenUsage = event.usage.total;
  if (event.type === "turnCompleted" && state.finalMessage === null) {
    const last = [...event.turn.items].reverse().find((i) => i.type === "agentMessage");
    if (last?.type === "agentMessage") state.finalMessage = last.text;
  }
}
var TurnStopper = class {
  constructor(deps, threadId, turnId, events) {
    this.deps = deps;
    this.threadId = threadId;
    this.turnId = turnId;
    this.events = events;
    const untilDeadline = Math.max(0, deps.deadlineMs - Date.now());
    this.timers.push(setTimeout(() => {
      deps.budgets.markWallTime();
      this.stop("timeout", `timed out after ${formatSeconds(deps.timeoutMs)}`);
    }, untilDeadline));
    if (deps.stopSignal.aborted) this.onSignal();
    else deps.stopSignal.addEventListener("abort", this.onSignal, { once: true });
  }
  deps;
  threadId;
  turnId;
  events;
  timers = [];
  stopping = false;
  onSignal = () => this.stop("interrupted", "tern run was interrupted (SIGINT/SIGTERM)");
  stop(kind, message) {
    this.deps.state.fail(kind, message);
    if (this.stopping) return;
    this.stopping = true;
    this.deps.client.turnInterrupt({ threadId: this.threadId, turnId: this.turnId }).catch(() => void 0);
    this.timers.push(setTimeout(() => this.events.fail(new TurnAbandoned("the turn did not end after turn/interrupt")), INTERRUPT_GRACE_MS));
  }
  dispose() {
    for (const t of this.timers) clearTimeout(t);
    this.deps.stopSignal.removeEventListener("abort", this.onSignal);
  }
};
function formatSeconds(ms) {
  return `${(ms / 1e3).toFixed(ms < 1e4 ? 1 : 0)} s`;
}

export {
  followTurn,
  formatSeconds
};
