/** The study-progress service's errors: each names what was refused and why, for the API layer to map to a 4xx. */

/** Interactions are recorded, and sessions completed, only while a session is ACTIVE. */
export class SessionNotActiveError extends Error {
  override readonly name = 'SessionNotActiveError';
  readonly sessionId: string;
  readonly status: string;

  constructor(sessionId: string, status: string) {
    super(`Learning session ${sessionId} is ${status}, not ACTIVE: start a new session to keep studying.`);
    this.sessionId = sessionId;
    this.status = status;
  }
}

/** The session id names no session. */
export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';

  constructor(sessionId: string) {
    super(`No learning session has the id ${sessionId}.`);
  }
}

/** A rating is a whole number of stars from 1 to 5. */
export class InvalidRatingError extends Error {
  override readonly name = 'InvalidRatingError';

  constructor(rating: number) {
    super(`A rating must be a whole number from 1 to 5, not ${rating}.`);
  }
}
