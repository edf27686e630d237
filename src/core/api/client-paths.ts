import type { Api, ApiMethod } from '../../shared/api';
import { parseTargetKey, targetKey } from '../../shared/sync';
import { getJobDefinition, parseJobParams } from '../jobs/registry';
import { PathRefusedError, type ClientPathCheck, type ClientPathPurpose } from '../library/path-policy';

function one(check: ClientPathCheck, given: string, purpose: ClientPathPurpose): string {
  return check([given], purpose)[0]!;
}

/** A sync target with its folder checked; Spotify passes as it is. */
function syncTarget(target: string, check: ClientPathCheck): string {
  const spec = parseTargetKey(target);
  return spec.kind === 'folder' ? targetKey({ kind: 'folder', path: one(check, spec.path, 'sync folder') }) : target;
}

type ParamsGuard = (params: never, check: ClientPathCheck) => unknown;

/**
 * Every job kind, with what its params name on disk. startJob takes any
 * kind's params, so a kind missing here cannot be started by a checked
 * client at all: a new kind with a path must not slip past the policy.
 */
const JOB_PATHS: Record<string, ParamsGuard | null> = {
  count: null,
  'check-sources': null,
  enrich: null,
  years: null,
  // Tags are written into the library's own tracks, chosen by id.
  'write-tags': null,
  scan: (p: { paths: string[] }, check) => ({ ...p, paths: check(p.paths, 'scan') }),
  'import-listens': (p: { path: string }, check) => ({ ...p, path: one(check, p.path, 'import listens') }),
  sync: (p: { target: string }, check) => ({ ...p, target: syncTarget(p.target, check) }),
};

export const JOB_KINDS_WITH_PATH_CHECK: readonly string[] = Object.keys(JOB_PATHS);

function jobParams(kind: string, params: unknown, check: ClientPathCheck): unknown {
  if (!(kind in JOB_PATHS)) {
    getJobDefinition(kind); // an unknown kind says so
    throw new PathRefusedError(`The web UI cannot start '${kind}' jobs: Sleeve does not know which of their parameters are paths.`);
  }
  const guard = JOB_PATHS[kind];
  return guard ? guard(parseJobParams(kind, params) as never, check) : params;
}

type ArgsGuards = { [M in ApiMethod]?: (args: Parameters<Api[M]>, check: ClientPathCheck) => Parameters<Api[M]> };

/**
 * The Api methods whose arguments name files or folders on the machine
 * running Sleeve, each with its paths passed through the check. The check
 * gives back the normalised paths, and those are what the method acts on.
 * (syncPlan's target and the album folders of queries only select rows.)
 */
const ARGS: ArgsGuards = {
  scan: ([paths], check) => [check(paths, 'scan')],
  importPlaylists: ([paths], check) => [check(paths, 'import playlist')],
  exportPlaylist: ([id, file], check) => [id, one(check, file, 'export playlist')],
  importListens: ([file], check) => [one(check, file, 'import listens')],
  syncPlaylists: ([request], check) => [
    request.target.kind === 'folder' ? { ...request, target: { kind: 'folder', path: one(check, request.target.path, 'sync folder') } } : request,
  ],
  startJob: ([request], check) => [{ ...request, params: jobParams(request.kind, request.params, check) }],
};

/** The arguments of method with every path checked, ready for its handler. */
export function checkClientPaths(method: ApiMethod, args: unknown[], check: ClientPathCheck): unknown[] {
  const guard = ARGS[method] as ((a: unknown[], c: ClientPathCheck) => unknown[]) | undefined;
  return guard ? guard(args, check) : args;
}
