// Preloaded (`node --import`) into a command under test: one line on stderr for every TCP or
// unix-socket connection it opens, so that a test can prove a command never tried to connect.
import { subscribe } from 'node:diagnostics_channel';

subscribe('net.client.socket', () => process.stderr.write('fixtures-test: connection attempt\n'));
