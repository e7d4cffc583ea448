import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The token compared in constant time (hashes of equal length, so its length leaks nothing either). */
export function tokenMatches(given: string, token: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export interface Session {
  id: string;
  /** Sent back with every control (header x-csrf-token): a page on another site cannot read it. */
  csrf: string;
  expiresAtMs: number;
}

/** Console sessions in memory (a restart logs everyone out), each valid for `ttlMs` from its login. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  create(): Session {
    this.prune();
    const s = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), expiresAtMs: this.nowMs() + this.ttlMs };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id; null for an unknown, forged or expired one. */
  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const s = this.sessions.get(id);
    if (s === undefined) return null;
    if (this.nowMs() >= s.expiresAtMs) {
      this.sessions.delete(id);
      return null;
    }
    return s;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private prune(): void {
    const now = this.nowMs();
    for (const [id, s] of this.sessions) if (now >= s.expiresAtMs) this.sessions.delete(id);
  }
}

/** At most `max` login attempts per client address in any `windowMs`: a guessed token costs time. */
export class LoginLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Records an attempt; the milliseconds to wait when over the limit, else 0. */
  attempt(client: string): number {
    const now = this.nowMs();
    const recent = (this.attempts.get(client) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(client, recent);
      return this.windowMs - (now - recent[0]!);
    }
    recent.push(now);
    this.attempts.set(client, recent);
    return 0;
  }
}

/** The session cookie's value from a Cookie header. */
export function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'coce_session') return v.join('=');
  }
  return undefined;
}
