// The sandbox of one turn's tools: the resolved policy plus the server's
// SandboxHost. Commands get a spawn plan from it (bwrap, or plain for
// danger-full-access / externalSandbox); apply_patch asks it whether a write
// is allowed, so both tools obey the same rules.

import type { SandboxMode } from '../protocol/v2.js';
import type { AccessLevel } from './access.js';
import { SandboxUnavailableError } from './errors.js';
import type { SandboxHost, SpawnPlan } from './host.js';
import { DEFAULT_SANDBOX_USER } from './identity.js';
import { resolveReal } from './paths.js';
import {
  describePolicy,
  needsOsSandbox,
  protocolSandboxPolicy,
  resolveToolPolicy,
  writeViolation,
  type ToolSandboxPolicy,
} from './policy.js';
import { toolEnvironment } from './tool-env.js';

export interface ToolSandboxOptions {
  policy: ToolSandboxPolicy;
  /** null: no OS sandbox available to this caller (only valid with a policy that needs none). */
  host: SandboxHost | null;
  /** The unprivileged account a root server drops to. */
  sandboxUser?: string;
  /** Whether the approval policy lets the model ask to run a command outside the sandbox. */
  canEscalate?: boolean;
}

/** Output that usually means the sandbox, not the command, said no. */
const DENIAL_PATTERN =
  /read-only file system|permission denied|operation not permitted|EROFS|EACCES|EPERM|network is unreachable|ENETUNREACH|connection refused|ECONNREFUSED|could not resolve|name resolution|EAI_AGAIN|getaddrinfo/i;

export class ToolSandbox {
  private roots: Promise<string[]> | null = null;

  constructor(private readonly o: ToolSandboxOptions) {}

  /** No restrictions: for danger-full-access, and for an approved escalation. */
  static unrestricted(): ToolSandbox {
    return new ToolSandbox({ policy: { kind: 'danger-full-access' }, host: null });
  }

  /** `mode` (default settings) without an OS sandbox: commands that need one fail closed; apply_patch rules hold. */
  static withoutHost(mode: SandboxMode, cwd: string): ToolSandbox {
    return new ToolSandbox({ policy: resolveToolPolicy(protocolSandboxPolicy(mode), cwd), host: null });
  }

  get policy(): ToolSandboxPolicy {
    return this.o.policy;
  }

  get enforced(): boolean {
    return needsOsSandbox(this.o.policy);
  }

  /** How to start `argv` in `cwd`; throws SandboxUnavailableError when the sandbox cannot be set up. */
  async spawnPlan(argv: readonly string[], cwd: string, sourceEnv: NodeJS.ProcessEnv): Promise<SpawnPlan> {
    const p = this.o.policy;
    if (!needsOsSandbox(p)) {
      return { file: argv[0]!, args: argv.slice(1), cwd, env: toolEnvironment(sourceEnv), sandboxed: false };
    }
    if (this.o.host === null) throw new SandboxUnavailableError(`no OS sandbox was set up for this ${describePolicy(p)}`);
    return this.o.host.wrap(p, this.user, argv, cwd, sourceEnv);
  }

  /** The same turn's sandbox for a command the user approved to run outside it. */
  escalated(): ToolSandbox {
    return new ToolSandbox({ ...this.o, policy: { kind: 'danger-full-access' } });
  }

  /** Why apply_patch may not write `real` (resolved), or null. */
  async writeViolation(real: string): Promise<string | null> {
    return writeViolation(this.o.policy, await this.realRoots(), real);
  }

  /** Roots apply_patch may write besides the working directory. */
  async extraRoots(): Promise<string[]> {
    return this.o.policy.kind === 'workspace-write' ? this.realRoots() : [];
  }

  /** Keeps the sandbox user's access to files the server rewrote for apply_patch. */
  async afterHostWrite(files: string[]): Promise<void> {
    if (this.o.host === null || !needsOsSandbox(this.o.policy)) return;
    const level: AccessLevel = this.o.policy.kind === 'workspace-write' ? 'rwX' : 'rX';
    await this.o.host.afterHostWrite(this.user, files, level);
  }

  /** A note for the model when a sandboxed command probably failed because of the sandbox. */
  denialNote(exitCode: number, output: string): string | null {
    if (!this.enforced || exitCode === 0 || !DENIAL_PATTERN.test(output)) return null;
    const escalate = this.o.canEscalate
      ? 'If the command really needs more, run it again with `sandbox_permissions` set to `require_escalated` and a one-sentence `justification`; a person decides.'
      : 'Running outside the sandbox is not possible under this approval policy: find another way, or report what is blocked.';
    return `This command ran in a ${describePolicy(this.o.policy)}; the failure above looks like the sandbox refusing it. ${escalate}`;
  }

  private get user(): string {
    return this.o.sandboxUser ?? DEFAULT_SANDBOX_USER;
  }

  private realRoots(): Promise<string[]> {
    const p = this.o.policy;
    const roots = p.kind === 'workspace-write' ? p.writableRoots : [];
    this.roots ??= Promise.all(roots.map((r) => resolveReal(r)));
    return this.roots;
  }
}
