/**
 * Loaded into the Prisma CLI's process (`node --import`), which
 * `ctoprojects-fixtures prisma …` starts: it stops the CLI when our command
 * is gone. Signals our command receives it forwards, but a SIGKILL it never
 * sees, and Prisma Studio would go on holding its port with no one left to
 * stop it. Our command holds the other end of a pipe on the fd named by
 * FIXTURES_PARENT_PIPE_FD; the kernel closes that end whichever way our
 * process ends, and the end of the pipe here is the sign.
 *
 * The CLI then gets a SIGTERM, as if forwarded, so it stops the way it does
 * on one (Studio closes its server).
 */
import { Socket } from 'node:net';

const fd = Number(process.env.FIXTURES_PARENT_PIPE_FD);
// Not for the CLI's own children (the seed, the schema engine): they have parents of their own to watch.
delete process.env.FIXTURES_PARENT_PIPE_FD;

function watch(fd: number): void {
  const pipe = new Socket({ fd, readable: true, writable: false });
  const stop = () => process.kill(process.pid, 'SIGTERM');
  pipe.once('end', stop).once('error', stop);
  pipe.resume(); // nothing is ever written; reading is what lets the end arrive
  pipe.unref(); // the CLI ends when its work does, not when the pipe does
}

if (Number.isInteger(fd) && fd > 2) {
  try {
    watch(fd);
  } catch {
    // A platform that cannot open the fd as a stream: the CLI runs unwatched, as it would without us.
  }
}
