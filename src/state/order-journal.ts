import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SALE_REASONS, type SaleReason } from '../domain/trade.js';
import { describeFsError, PathError } from '../utils/errors.js';

/** An order COCE is about to send: written (and on disk) before the request leaves. */
export interface OrderIntent {
  clientOrderId: string;
  symbol: string;
  cycle: number;
  /** A sale an exit asked for: its reason, so a restart that adopts the order still knows why it sold. */
  exit?: SaleReason;
}

/**
 * Write-ahead journal of orders. state.json is saved once a cycle completes, so an order sent by a cycle that then
 * crashed is in no saved state; the journal remembers its client id, and the restarted cycle looks it up at the venue
 * and adopts it instead of placing it again (kill between submit and acknowledgement). Entries of cycles the saved
 * state already covers are dropped on `prune`.
 */
export interface OrderJournal {
  record(intent: OrderIntent): void;
  /** Intents of cycles after `lastCompletedCycle` (null: all). */
  unsettled(lastCompletedCycle: number | null): OrderIntent[];
  /** Forget intents of cycles up to `lastCompletedCycle`: the saved state accounts for them. */
  prune(lastCompletedCycle: number | null): void;
}

/** Sim and back-tests: the paper venue forgets its orders on a crash too, so there is nothing to look up. */
export class MemoryOrderJournal implements OrderJournal {
  private intents: OrderIntent[] = [];
  record(intent: OrderIntent): void {
    this.intents.push(intent);
  }
  unsettled(last: number | null): OrderIntent[] {
    return this.intents.filter((i) => last === null || i.cycle > last);
  }
  prune(last: number | null): void {
    this.intents = this.unsettled(last);
  }
}

function parseIntent(line: string): OrderIntent | null {
  let o: OrderIntent;
  try {
    o = JSON.parse(line) as OrderIntent;
  } catch {
    return null; // torn by a crash mid-write (and possibly glued to the next line): that order was never sent
  }
  if (typeof o !== 'object' || o === null || typeof o.clientOrderId !== 'string' || typeof o.symbol !== 'string' || !Number.isInteger(o.cycle)) return null;
  if (o.exit !== undefined && !(SALE_REASONS as readonly string[]).includes(o.exit)) delete o.exit; // a reason this version does not know: only the label is lost
  return o;
}

/** testnet/live: data/orders.journal.jsonl, one fsynced line per intent. */
export class FileOrderJournal implements OrderJournal {
  constructor(readonly file: string) {}

  record(intent: OrderIntent): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const fd = openSync(this.file, 'a+');
      try {
        // a line torn by a crash has no newline: start on a fresh line so this intent is not glued to it
        const size = fstatSync(fd).size;
        const last = Buffer.alloc(1);
        const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
        writeFileSync(fd, (torn ? '\n' : '') + JSON.stringify(intent) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw new PathError(`order journal ${this.file} cannot be written (${describeFsError(err)}): no order is sent without it`, { file: this.file });
    }
  }

  private readAll(): OrderIntent[] {
    if (!existsSync(this.file)) return [];
    const out: OrderIntent[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      // a line torn by a crash mid-write is skipped: its order was never sent (the journal write comes first)
      const o = parseIntent(line);
      if (o !== null) out.push(o);
    }
    return out;
  }

  unsettled(last: number | null): OrderIntent[] {
    return this.readAll().filter((i) => last === null || i.cycle > last);
  }

  prune(last: number | null): void {
    const all = this.readAll();
    const keep = all.filter((i) => last === null || i.cycle > last);
    if (keep.length === all.length) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, keep.map((i) => JSON.stringify(i) + '\n').join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
