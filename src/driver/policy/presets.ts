// The built-in presets, written in the policy file format itself (the tests validate them
// against schemas/approval-policy.schema.json). docs/approval-policy.md describes each.
//
// What they are not: a sandbox. A test runner runs the repository's code, which the agent
// may have edited (fix-tests allows file changes), so anything is one `npm test` away; a
// policy decides what the agent may run *directly*. Containment is the isolated phase
// (PID namespace, allow-listed environment without secrets).

import type { CommandRuleSpec, FileRuleSpec, PolicySpec } from './format.js';

const REST = '...';
/** Zero or more words that are not options. */
const OPERANDS = { repeat: '[!-]*' };

/** Denied by every preset. */
const DESTRUCTIVE: CommandRuleSpec[] = [
  {
    id: 'no-push',
    argv: ['git', REST, 'push', REST],
    reason: 'the agent never pushes (tern publishes the change itself)',
  },
  {
    id: 'rm-outside',
    argv: ['rm', REST, { re: '/.*|(\\./*)+|(.*/)?\\.\\.(/.*)?|\\*|--no-preserve-root' }, REST],
    reason: 'rm of an absolute path, the workspace itself, a parent directory or everything',
  },
  {
    id: 'disk-wipe',
    argv: ['{mkfs,mkfs.*,wipefs,shred,fdisk,sfdisk,parted}', REST],
    reason: 'formats or wipes disks',
  },
  { id: 'dd-device', argv: ['dd', REST, 'of=/dev/*', REST], reason: 'writes to a device' },
  { id: 'power', argv: ['{shutdown,reboot,halt,poweroff,init,telinit}', REST], reason: 'stops the machine' },
  {
    id: 'chmod-outside',
    argv: ['{chmod,chown,chgrp}', REST, '/*', REST],
    reason: 'changes owners or modes outside the workspace',
  },
  { id: 'kill-all', argv: ['kill', REST, '-1', REST], reason: 'kill -1 signals every process' },
  { id: 'kill-by-name', argv: ['{pkill,killall}', REST], reason: 'kills processes by name (the app server among them)' },
];

/** No network: downloads, remote shells, installs, git remotes. */
const NO_NETWORK: CommandRuleSpec[] = [
  {
    id: 'no-network',
    argv: ['{curl,wget,nc,ncat,netcat,socat,ssh,scp,sftp,rsync,ftp,telnet,aria2c,http,https,httpie,xh,lynx,w3m}', REST],
    reason: 'no network tools',
  },
  {
    id: 'no-git-network',
    argv: ['git', REST, '{fetch,pull,clone,ls-remote,submodule,archive,request-pull,send-email}', REST],
    reason: 'git commands that reach a remote',
  },
  {
    id: 'no-install',
    argv: ['{npm,pnpm,yarn,bun}', REST, '{install,i,ci,add,update,upgrade,up,publish,exec,x,dlx,create,init}', REST],
    reason: 'installs or runs packages from the registry',
  },
  { id: 'no-pip-install', argv: ['{pip,pip3,uv,pipx,poetry}', REST, '{install,download,add,sync,run}', REST], reason: 'installs packages' },
  { id: 'no-python-pip', argv: ['{python,python3}', '-m', '{pip,venv,ensurepip}', REST], reason: 'installs packages' },
  { id: 'no-go-get', argv: ['go', '{get,install,mod}', REST], reason: 'downloads modules' },
  { id: 'no-cargo-install', argv: ['cargo', '{install,add,update,publish,fetch}', REST], reason: 'downloads crates' },
];

/** Writes and code execution hidden in flags of otherwise read-only tools. */
const READ_TOOL_FLAGS: CommandRuleSpec[] = [
  {
    id: 'git-write-flags',
    argv: ['git', REST, '{--ou*,--op*,-O*,--ext*}', REST],
    reason: 'git --output writes a file; --open-files-in-pager and --ext-diff run programs',
  },
  { id: 'rg-pre', argv: ['rg', REST, '{--pre,--pre=*,--hostname-bin*}', REST], reason: 'rg --pre and --hostname-bin run programs' },
  { id: 'sort-output', argv: ['sort', REST, '{-o*,-[!-]*o*,--o*,--c*}', REST], reason: 'sort -o writes a file, --compress-program runs one' },
  { id: 'tree-output', argv: ['tree', REST, '{-o*,-[!-]*o*,--o*}', REST], reason: 'tree -o writes a file' },
];

/** Reading the workspace: listings, file contents, searches, git history. */
const READ_COMMANDS: CommandRuleSpec[] = [
  { id: 'ls', argv: ['{ls,tree,du,stat,pwd,realpath,readlink,basename,dirname}', REST] },
  { id: 'cat', argv: ['{cat,head,tail,wc,nl,od,hexdump,cut,tr,column,diff,cmp,comm,sha256sum,sha1sum,md5sum,cksum}', REST] },
  { id: 'grep', argv: ['{grep,egrep,fgrep,rg}', REST] },
  { id: 'find', argv: ['find', REST], reason: 'find actions that run commands or write files are never allowed' },
  { id: 'sort', argv: ['sort', REST] },
  { id: 'uniq', argv: ['uniq', { repeat: '-*' }], reason: 'uniq with options, reading stdin' },
  { id: 'uniq-file', argv: ['uniq', { repeat: '-*' }, '[!-]*'], reason: 'uniq with one input file (a second operand would be written)' },
  { id: 'sed-print', argv: ['sed', '-n', { re: '[0-9]+(,([0-9]+|\\$))?p|\\$p' }, OPERANDS], reason: 'sed -n printing a line range' },
  { id: 'jq', argv: ['jq', REST] },
  { id: 'echo', argv: ['{echo,printf,true,false,test,\\[}', REST] },
  { id: 'cd', argv: ['cd', { repeat: '[!-]*' }] },
  { id: 'which', argv: ['{which,type}', REST] },
  { id: 'command-v', argv: ['command', '{-v,-V}', REST] },
  { id: 'info', argv: ['{uname,whoami,id,nproc}', REST] },
  { id: 'date', argv: ['date', { repeat: '+*' }], reason: 'date, without setting the clock' },
  // Only --version: `python -v` and `ruby -v` go on to run a script read from stdin (`echo … | ruby -v`).
  { id: 'versions', argv: ['{node,npm,npx,pnpm,yarn,python,python3,pip,pip3,cargo,rustc,java,ruby,git,make,tsc}', '--version'] },
  { id: 'go-version', argv: ['go', 'version'] },
  {
    id: 'git-read',
    argv: ['git', '{status,diff,log,show,blame,ls-files,ls-tree,rev-parse,rev-list,cat-file,describe,shortlog,grep,merge-base,name-rev,for-each-ref,show-ref,count-objects,check-ignore}', REST],
  },
  { id: 'git-branch-list', argv: ['git', 'branch', { repeat: '{-a,-r,-v,-vv,-l,--list,--all,--remotes,--show-current,--no-color}' }] },
  { id: 'git-tag-list', argv: ['git', 'tag', { repeat: '{-l,--list,-n,-n[0-9]*}' }] },
  { id: 'git-remote-list', argv: ['git', 'remote', { repeat: '{-v,--verbose}' }] },
];

/** Test runners and type checks. They run the repository's code. */
const TEST_COMMANDS: CommandRuleSpec[] = [
  { id: 'npm-test', argv: ['npm', '{test,t}'] },
  { id: 'npm-test-args', argv: ['npm', '{test,t}', '--', REST], reason: 'arguments after -- go to the test script' },
  { id: 'npm-run-test', argv: ['npm', 'run', { re: 'test(:[A-Za-z0-9:_-]+)?' }] },
  { id: 'npm-run-test-args', argv: ['npm', 'run', { re: 'test(:[A-Za-z0-9:_-]+)?' }, '--', REST] },
  { id: 'yarn-pnpm-test', argv: ['{yarn,pnpm}', 'test', OPERANDS] },
  { id: 'yarn-pnpm-run-test', argv: ['{yarn,pnpm}', 'run', { re: 'test(:[A-Za-z0-9:_-]+)?' }, OPERANDS] },
  { id: 'npx-runner', argv: ['npx', '{vitest,jest,mocha,ava,tap}', REST] },
  { id: 'npx-tsc', argv: ['npx', 'tsc', '--noEmit', { repeat: '{-p,--project,[!-]*}' }] },
  { id: 'npx-tsc-p', argv: ['npx', 'tsc', '{-p,--project}', '[!-]*', '--noEmit'] },
  { id: 'node-test', argv: ['node', '--test', REST] },
  { id: 'pytest', argv: ['{pytest,py.test}', REST] },
  { id: 'python-pytest', argv: ['{python,python3}', '-m', '{pytest,unittest}', REST] },
  { id: 'go-test', argv: ['go', '{test,vet}', REST] },
  { id: 'cargo-test', argv: ['cargo', '{test,check,clippy}', REST] },
  { id: 'make-test', argv: ['make', '{test,check,tests}'] },
  { id: 'jvm-test', argv: ['{mvn,./mvnw,gradle,./gradlew}', '{test,check}'] },
  { id: 'dotnet-test', argv: ['dotnet', 'test', REST] },
  { id: 'rspec', argv: ['bundle', 'exec', 'rspec', OPERANDS] },
  { id: 'rake-test', argv: ['bundle', 'exec', 'rake', '{test,spec}'] },
  { id: 'rspec-bare', argv: ['rspec', REST] },
  { id: 'ctest', argv: ['ctest', REST] },
];

/** Flags of test runners that run a named program, or delete or write a chosen path. */
const TEST_FLAGS: CommandRuleSpec[] = [
  { id: 'go-exec', argv: ['go', REST, '{-exec*,--exec*,-toolexec*,--toolexec*,-o,-o=*,--o,--o=*,-*profile*,--*profile*,-trace*,--trace*,-outputdir*,--outputdir*}', REST], reason: 'go -exec/-toolexec run a program; -o and profiles write files' },
  { id: 'pytest-basetemp', argv: ['{pytest,py.test,python,python3}', REST, '{--basetemp*,--junitxml*,--junit-xml*,--result-log*,--rootdir*}', REST], reason: 'pytest --basetemp deletes a directory; the others write files' },
  { id: 'output-file', argv: ['npx', REST, '{--outputFile*,--output-file*,--outDir*,--outFile*}', REST], reason: 'writes a report or output to a chosen path' },
];

const WORKFLOWS: FileRuleSpec[] = [
  { id: 'no-workflows', path: '.github/workflows/**', reason: 'workflows run with the repository’s secrets' },
  { id: 'no-actions', path: '.github/actions/**', reason: 'local actions run inside workflows' },
];
const GIT_DIRS: FileRuleSpec[] = [
  // `a/**` also matches `a` itself: a `.git` file (which points git at another directory) too.
  { id: 'no-git-dir', path: '**/.git/**', reason: 'git metadata: its config and hooks are code that git runs' },
];

export const PRESETS = {
  'read-only-review': {
    version: 1,
    description: 'Reading the repository: listings, contents, searches, git history. No file changes, no network, nothing else.',
    default: 'decline',
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS],
      allow: READ_COMMANDS,
    },
    files: {
      deny: [{ id: 'read-only', path: '**', reason: 'a read-only review changes no file' }],
    },
  },
  'fix-tests': {
    version: 1,
    description:
      'Fixing failing tests: the read-only commands, common test runners, and file changes anywhere but workflows and git metadata. No network, no push.',
    default: 'decline',
    commands: {
      deny: [...DESTRUCTIVE, ...NO_NETWORK, ...READ_TOOL_FLAGS, ...TEST_FLAGS],
      allow: [...READ_COMMANDS, ...TEST_COMMANDS],
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: 'workspace', path: '**' }],
    },
  },
  trusted: {
    version: 1,
    description:
      'Any command the policy can read completely and any file change, except a short deny-list: push, disk wipes, rm outside the workspace, git config, workflows and git metadata.',
    default: 'decline',
    commands: {
      deny: [
        ...DESTRUCTIVE,
        { id: 'git-config', argv: ['git', REST, 'config', REST], reason: 'git config can set aliases, hooks and pagers that later git commands run' },
      ],
      allow: [
        { id: 'any-command', argv: ['*', REST], reason: 'trusted: any command on PATH' },
        { id: 'any-path-command', argv: ['*/*', REST], reason: 'trusted: any program given by path' },
      ],
    },
    files: {
      deny: [...WORKFLOWS, ...GIT_DIRS],
      allow: [{ id: 'workspace', path: '**' }],
    },
  },
} satisfies Record<string, PolicySpec>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
