#!/usr/bin/env node
import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);
import {
  EXIT_CODES
} from "./chunks/chunk-ZBMWM6FK.js";
import {
  VERSION
} from "./chunks/chunk-5AQLY3C7.js";
import {
  userFailure
} from "./chunks/chunk-AXCYR7ZC.js";
import "./chunks/chunk-4S2FJ4XZ.js";

// src/cli/compile-cache.ts
import { lstatSync, mkdirSync } from "node:fs";
import nodeModule from "node:module";
import os from "node:os";
import path from "node:path";
var PRIVATE_DIR_MODE = 448;
var GROUP_OTHER_WRITE = 18;
function compileCacheDir(tmpdir = os.tmpdir(), uid = process.getuid?.() ?? 0) {
  return path.join(tmpdir, `tern-compile-cache-${uid}`);
}
function isPrivateDir(dir, uid = process.getuid?.() ?? 0) {
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (err) {
    if (err.code !== "EEXIST") return false;
  }
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & GROUP_OTHER_WRITE) === 0;
  } catch {
    return false;
  }
}
function enableCompileCache(env = process.env) {
  const enable = nodeModule.enableCompileCache;
  if (typeof enable !== "function") return null;
  try {
    if (env.NODE_COMPILE_CACHE !== void 0) return enable().directory ?? null;
    const dir = compileCacheDir();
    if (!isPrivateDir(dir)) return null;
    return enable(dir).directory ?? null;
  } catch {
    return null;
  }
}

// src/cli/main.ts
enableCompileCache();
var USAGE = `tern ${VERSION}
usage:
  tern demo                       run one turn on a bundled demo repo with a scripted model (no API key)
  tern run --prompt TEXT [...]    run one turn against a repo and record artifacts (tern run --help)
  tern app-server [--listen URL]  serve the Codex App Server protocol (v2): stdio://, ws://IP:PORT, unix://[PATH]
  tern --version
`;
async function main(argv) {
  const [command, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  switch (command) {
    case "app-server": {
      const { runAppServer } = await import("./chunks/app-server-XXYA7SCN.js");
      return runAppServer(rest, { ...io, stdin: process.stdin });
    }
    case "run": {
      const stopSignal = stopOnSignals();
      const { runCommand } = await import("./chunks/driver-TWBB45DY.js");
      return runCommand(rest, { ...io, stopSignal });
    }
    case "demo": {
      const { runDemo } = await import("./chunks/demo-7UN3DELQ.js");
      return runDemo(rest, io);
    }
    case "--version":
    case "-V":
      process.stdout.write(`${VERSION}
`);
      return 0;
    case void 0:
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`tern: unknown command "${command}"
${USAGE}`);
      return 2;
  }
}
function stopOnSignals() {
  const controller = new AbortController();
  const onSignal = (signal) => {
    if (controller.signal.aborted) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}
main(process.argv.slice(2)).then(
  (code) => {
    process.stdout.write("", () => process.exit(code));
  },
  (err) => {
    const failure = userFailure(err);
    process.stderr.write(`tern: ${failure.line}
`);
    if (process.env.TERN_LOG === "debug" && err instanceof Error && err.stack) process.stderr.write(`${err.stack}
`);
    process.exit(EXIT_CODES[failure.kind]);
  }
);
