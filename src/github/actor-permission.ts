// Who may start a mention run: a person with write access to the repository (admin, maintain or
// write, asked of the API: author_association in a payload is not a permission), or a bot listed
// by its full login in allow-bots. Everyone else is refused before anything runs.

import { describeFailure, type Octokit } from './pull-request.js';

const WRITE_ROLES = ['admin', 'maintain', 'write'];
const BOT_SUFFIX = '[bot]';

export interface ActorVerdict {
  allowed: boolean;
  /** One line: why (shown in the log and the outcome's reason). */
  reason: string;
}

export async function checkActor(
  octokit: Octokit,
  where: { owner: string; repo: string },
  actor: { login: string; type: string },
  allowBots: string[],
): Promise<ActorVerdict> {
  if (actor.type === 'Bot' || actor.login.endsWith(BOT_SUFFIX)) {
    const listed = allowBots.some((b) => b.toLowerCase() === actor.login.toLowerCase());
    return listed
      ? { allowed: true, reason: `${actor.login} is listed in allow-bots` }
      : { allowed: false, reason: `${actor.login} is a bot and is not listed in allow-bots` };
  }
  let role: string;
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...where, username: actor.login });
    role = data.role_name || data.permission;
  } catch (err) {
    return { allowed: false, reason: `could not read ${actor.login}'s permission on ${where.owner}/${where.repo}: ${describeFailure(err)}` };
  }
  return WRITE_ROLES.includes(role)
    ? { allowed: true, reason: `${actor.login} has ${role} access` }
    : { allowed: false, reason: `${actor.login} has ${role} access to ${where.owner}/${where.repo}; write access is needed to start tern` };
}
