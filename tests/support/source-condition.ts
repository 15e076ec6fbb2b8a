/**
 * Inside this repository the package's own name resolves to src/ (the
 * `ctoprojects-fixtures-source` condition of package.json "exports"): no build
 * before a test. Every Vitest configuration here, the suite's and those of the
 * runs nested in its tests, resolves through this.
 */
import { defaultServerConditions } from 'vite';

export const SOURCE_CONDITION = 'ctoprojects-fixtures-source';

/** Vitest's `ssr` option: its test modules resolve as Vite's server environment does. */
export const RESOLVE_FROM_SOURCE = { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } };
