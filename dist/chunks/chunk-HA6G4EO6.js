import { createRequire as __ternCreateRequire } from 'node:module';
const require = __ternCreateRequire(import.meta.url);

// src/sandbox/spawner/messages.ts
function sandboxInitPid(info) {
  const pid = Number((/"child-pid"\s*:\s*(\d+)/.exec(info) ?? [])[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export {
  sandboxInitPid
};
