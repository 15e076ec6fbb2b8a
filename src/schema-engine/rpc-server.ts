/**
 * The schema engine's JSON-RPC 2.0 protocol as the Prisma CLI speaks it: one
 * JSON object per line, requests on stdin, responses on stdout, logs on stderr.
 * Requests are answered one at a time, in order, like the native engine does.
 */
import { createInterface } from 'node:readline';
import type { DiffParams, DiffResult, DiffTarget } from '@prisma/schema-engine-wasm';
import { redactPasswords } from '../config/database-url.ts';
import type { EngineLog, EngineSession, EngineSessions } from './engine-session.ts';
import { asMigrationFailure, withPrismaErrorCode } from './error-codes.ts';
import { createMigration, evaluateDataLoss } from './migration-planner.ts';

interface RpcRequest {
  jsonrpc: '2.0';
  id: number;
  method: string;
  params?: unknown;
}

/** The native engine's error code for "a user-facing error; read `data`". */
const USER_FACING_ERROR = 4466;

type Handler = (session: EngineSession, params: never, log: EngineLog) => Promise<unknown>;

/** Methods the WebAssembly engine cannot run by itself (or not with Prisma's errors), and how we run them instead. */
const COMPOSED: Record<string, Handler> = {
  applyMigrations: async (session, params) => {
    try {
      return await session.engine.applyMigrations(params);
    } catch (error) {
      throw asMigrationFailure(session.explain(error));
    }
  },
  createMigration: (session, params, log) => createMigration(session, params, log),
  evaluateDataLoss: (session, params, log) => evaluateDataLoss(session, params, log),
  // The native engine keeps this for error reports only; the wasm build answers `version` instead.
  getDatabaseVersion: (session) => session.engine.version(),
};

/** Schema files and the empty schema are all in the request: diffing them needs no database. */
const needsNoDatabase = (target: DiffTarget) => target.tag === 'empty' || target.tag === 'schemaDatamodel';

/**
 * A diff of two schema files runs on an engine with no database, as the
 * native engine's does: with the server down, or no URL configured, or a
 * server that never answers.
 */
function sessionFor(sessions: EngineSessions, request: RpcRequest): Promise<EngineSession> {
  const diff = request.method === 'diff' ? (request.params as DiffParams) : undefined;
  return diff && needsNoDatabase(diff.from) && needsNoDatabase(diff.to)
    ? sessions.withoutDatabase()
    : sessions.withDatabase();
}

/**
 * The native engine prints a diff itself, through a `print` request to the CLI,
 * and answers with no stdout; the CLI relies on that and prints nothing else.
 */
async function diffAndPrint(
  session: EngineSession,
  params: DiffParams,
  print: (content: string) => void,
): Promise<DiffResult> {
  const result = await session.engine.diff(params);
  // No newline at the end: the CLI adds one, on stdout and in an `--output` file ("…;\n" in Prisma's tests); the wasm build ends with two.
  if (result.stdout) print(result.stdout.replace(/\n+$/, ''));
  return { ...result, stdout: null };
}

async function dispatch(
  session: EngineSession,
  request: RpcRequest,
  log: EngineLog,
  print: (content: string) => void,
): Promise<unknown> {
  if (request.method === 'diff') return diffAndPrint(session, request.params as DiffParams, print);
  const composed = COMPOSED[request.method];
  if (composed) return composed(session, request.params as never, log);
  const method = (session.engine as unknown as Record<string, unknown>)[request.method];
  if (typeof method !== 'function' || request.method === 'free' || request.method.startsWith('_')) {
    throw Object.assign(new Error(`The offline schema engine does not implement \`${request.method}\`.`), {
      code: 'P1012',
    });
  }
  return (method as (params: unknown) => Promise<unknown>).call(session.engine, request.params ?? {});
}

function errorResponse(id: number, error: unknown, isPanic = false) {
  const { message, code, meta } = withPrismaErrorCode(error);
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: USER_FACING_ERROR,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: isPanic, message: redactPasswords(message), meta: meta ?? null, error_code: code ?? null },
    },
  };
}

export interface RpcServer {
  /** Settles once `input` has closed, and the session with it. */
  readonly served: Promise<void>;
  /**
   * Answers with `error` the request being served, or the next to come when
   * none is: for a fault that escaped every request (the engine throws some
   * from a callback, where no promise sees them, even while it starts). The
   * CLI then reports it and exits non-zero, instead of waiting on an answer
   * that never comes and exiting 0. Settles once it is answered, or once
   * `input` closes with no request left.
   */
  fail(error: unknown, options?: { isPanic?: boolean }): Promise<void>;
}

interface Fault {
  readonly error: unknown;
  readonly isPanic: boolean;
}

/**
 * Serves requests from `input` until it closes, then closes the sessions.
 * Each request runs on the session it needs, started on first use; a
 * session that fails to start answers the request with its error.
 */
export function startRpcServer(
  sessions: EngineSessions,
  input: NodeJS.ReadableStream,
  write: (line: string) => void,
  log: EngineLog,
): RpcServer {
  let open: number | undefined;
  let fault: Fault | undefined;
  let delivered = (): void => {};
  const answerWithFault = (id: number) => {
    if (!fault) return false;
    write(JSON.stringify(errorResponse(id, fault.error, fault.isPanic)));
    delivered();
    return true;
  };
  let printRequests = 0;
  const print = (content: string) =>
    write(JSON.stringify({ jsonrpc: '2.0', id: ++printRequests, method: 'print', params: { content } }));

  async function serve(): Promise<void> {
    const lines = createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const request = parseRequest(line, write);
        if (request === undefined || answerWithFault(request.id)) continue;
        open = request.id;
        const answer = await answerOf(sessionFor(sessions, request), request, log, print);
        if (open === request.id) write(JSON.stringify(answer));
        open = undefined;
      }
    } finally {
      delivered();
      await sessions.close();
    }
  }

  return {
    served: serve(),
    fail(error, { isPanic = false } = {}) {
      fault = { error, isPanic };
      const settled = new Promise<void>((resolve) => {
        delivered = resolve;
      });
      if (open !== undefined) {
        answerWithFault(open);
        open = undefined;
      }
      return settled;
    },
  };
}

/** The request on `line`; undefined for a blank line, a parse error (answered here) or a response to us. */
function parseRequest(line: string, write: (line: string) => void): RpcRequest | undefined {
  if (line.trim() === '') return undefined;
  let request: RpcRequest;
  try {
    request = JSON.parse(line) as RpcRequest;
  } catch {
    write(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
    return undefined;
  }
  // A response to a request of ours, e.g. `print`, has no method.
  return request.method === undefined ? undefined : request;
}

async function answerOf(
  opening: Promise<EngineSession>,
  request: RpcRequest,
  log: EngineLog,
  print: (content: string) => void,
): Promise<object> {
  let session: EngineSession;
  try {
    session = await opening;
  } catch (error) {
    return errorResponse(request.id, error);
  }
  try {
    const result = await dispatch(session, request, log, print);
    return { jsonrpc: '2.0', id: request.id, result: result ?? {} };
  } catch (error) {
    return errorResponse(request.id, session.explain(error));
  }
}
