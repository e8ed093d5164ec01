// The approval policy format (version 1): what a policy file holds, and the compiled form
// the evaluator works on. docs/approval-policy.md is the user-facing description and
// schemas/approval-policy.schema.json the JSON Schema; load.ts validates by hand with the
// same rules (and says where a file is wrong).

/** What tern answers a request with. `cancel` declines and interrupts the turn. */
export type Decision = 'accept' | 'decline' | 'cancel';

export const POLICY_VERSION = 1;

// ---- the file (JSON-compatible data) ----------------------------------------

/** One element of an argv pattern. */
export type ArgPatternElement =
  | string // a word glob, or "..." for any further words
  | { re: string } // one word matching the regular expression (anchored)
  | { repeat: string | { re: string } }; // zero or more words, each matching

export type CommandRuleSpec =
  | ArgPatternElement[]
  | { id?: string; argv: ArgPatternElement[]; reason?: string; decision?: 'decline' | 'cancel' };

export type FileRuleSpec = string | { id?: string; path: string; reason?: string; decision?: 'decline' | 'cancel' };

export interface PolicySpec {
  $schema?: string;
  version: 1;
  description?: string;
  /** A preset whose rules come after this file's (deny still wins over allow). */
  extends?: string;
  /** For whatever no rule matches; `decline` when absent. */
  default?: Decision;
  commands?: { default?: Decision; deny?: CommandRuleSpec[]; allow?: CommandRuleSpec[] };
  files?: { default?: Decision; deny?: FileRuleSpec[]; allow?: FileRuleSpec[] };
}

/** The `"..."` element. */
export const REST = '...';

// ---- compiled ----------------------------------------------------------------

/** Matches one argv word. */
export interface WordMatcher {
  /** As written in the policy (for messages). */
  source: string;
  re: RegExp;
  /**
   * What the matcher can match, for reasoning about file-name patterns: one entry per brace
   * alternative, with the exact word (when the alternative has no metacharacters) or the
   * literal start every matching word has ('' when unknown, e.g. for a regex).
   */
  alternatives: Array<{ literal: string | null; prefix: string }>;
}

export type ArgElement =
  | { kind: 'rest' }
  | { kind: 'word'; m: WordMatcher }
  | { kind: 'repeat'; m: WordMatcher };

/** Where a rule (or a default) comes from. */
export interface RuleOrigin {
  /** The preset name, or the policy file as it was given. */
  policy: string;
  file: string | null;
  line: number | null;
}

export interface CommandRule {
  /** `<policy>#<id>`, or `<policy>#commands.<list>[<index>]` without an id. */
  ref: string;
  id: string | null;
  list: 'allow' | 'deny';
  index: number;
  /** The command name glob also names a path (has a `/`): compared with the whole word. */
  nameHasSlash: boolean;
  elements: ArgElement[];
  /** The pattern as written, e.g. `[git, ..., push, ...]`. */
  display: string;
  reason: string | null;
  decision: Decision;
  origin: RuleOrigin;
}

export interface FileRule {
  ref: string;
  id: string | null;
  list: 'allow' | 'deny';
  index: number;
  pattern: string;
  re: RegExp;
  reason: string | null;
  decision: Decision;
  origin: RuleOrigin;
}

export interface DefaultRule {
  ref: string;
  decision: Decision;
  origin: RuleOrigin;
}

export interface Policy {
  /** The preset name or the file as given: how records name this policy. */
  name: string;
  description: string | null;
  /** The preset it extends, if any. */
  extends: string | null;
  commands: { default: DefaultRule; deny: CommandRule[]; allow: CommandRule[] };
  files: { default: DefaultRule; deny: FileRule[]; allow: FileRule[] };
}

// ---- decisions -----------------------------------------------------------------

/** The verdict on one command of a script, or one path of a change. */
export interface SubjectDecision {
  /** The command line (`git push --force`) or the workspace-relative path. */
  subject: string;
  decision: Decision;
  rule: string;
  reason: string;
}

export interface PolicyDecision {
  decision: Decision;
  /** The deciding rule (`fix-tests#no-push`, `policy.yml#commands.allow[2]`, `builtin#unreadable`);
   *  for an accepted script, the allow rules of its commands, comma-separated. */
  rule: string;
  /** One human line: what was decided about what, and why. */
  reason: string;
  /** Where the deciding rule is written (null for built-in rules). */
  origin: RuleOrigin | null;
  /** One entry per command of the script / per path of the change. */
  subjects: SubjectDecision[];
}

/** Built-in rules: the decisions no policy file can change. */
export const BUILTIN = {
  /** The command could not be read completely (shell syntax outside the subset). */
  unreadable: 'builtin#unreadable',
  /** A command that runs code not in its own words (sudo, eval, xargs, find -exec, …). */
  opaque: 'builtin#opaque-command',
  /** The request carried no command. */
  noCommand: 'builtin#no-command',
  /** Not a plain command approval (writeStdin, a network access request, …). */
  otherRequest: 'builtin#not-a-command',
  /** The file change named no path. */
  noPaths: 'builtin#no-paths',
  /** A path outside the workspace (or resolving outside it through a symlink). */
  outside: 'builtin#outside-workspace',
} as const;
