/**
 * The schema engine's JSON-RPC 2.0 protocol as the Prisma CLI speaks it: one
 * JSON object per line, requests on stdin, responses on stdout, logs on stderr.
 * Requests are answered one at a time, in order, like the native engine does.
 */
import { createInterface } from 'node:readline';
import type { DiffParams, DiffResult } from '@prisma/schema-engine-wasm';
import { redactPasswords } from '../config/database-url.ts';
import type { EngineLog, EngineSession } from './engine-session.ts';
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

/** Methods the WebAssembly engine cannot run by itself, and how we run them instead. */
const COMPOSED: Record<string, Handler> = {
  createMigration: (session, params, log) => createMigration(session, params, log),
  evaluateDataLoss: (session, params, log) => evaluateDataLoss(session, params, log),
  // The native engine keeps this for error reports only; the wasm build answers `version` instead.
  getDatabaseVersion: (session) => session.engine.version(),
};

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
  if (result.stdout) print(result.stdout);
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

function errorResponse(id: number, error: unknown) {
  const { message = String(error), code, meta } = error as { message?: string; code?: string; meta?: unknown };
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: USER_FACING_ERROR,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: false, message: redactPasswords(message), meta: meta ?? null, error_code: code ?? null },
    },
  };
}

/** Serves requests from `input` until it closes, then closes the session. */
export async function serveRpc(
  session: EngineSession,
  input: NodeJS.ReadableStream,
  write: (line: string) => void,
  log: EngineLog,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let printRequests = 0;
  const print = (content: string) =>
    write(JSON.stringify({ jsonrpc: '2.0', id: ++printRequests, method: 'print', params: { content } }));
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let request: RpcRequest;
      try {
        request = JSON.parse(line) as RpcRequest;
      } catch {
        write(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
        continue;
      }
      if (request.method === undefined) continue; // a response to a request of ours, e.g. `print`
      try {
        const result = await dispatch(session, request, log, print);
        write(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: result ?? {} }));
      } catch (error) {
        write(JSON.stringify(errorResponse(request.id, session.explain(error))));
      }
    }
  } finally {
    await session.close();
  }
}
