/**
 * Imported first by each of the library's entry points: a module of its own,
 * so that the check runs before any other module of the entry is evaluated.
 */
import { assertNodeVersion } from './node-version.ts';

assertNodeVersion();
