import { pointerArray, type LouvainCsr, type PointerArray } from './louvain-csr.js';

/**
 * One run of graphology-communities-louvain 2.0.2's undirected algorithm with its default options (fast local moves,
 * random walk), over graphology-indices 0.17's UndirectedLouvainIndex, written out on typed arrays. Hand-written
 * because clustering is a hot path (about 50 runs a simulated day; graphology's generic graph and the index set-up
 * dominated the package's time) and its results must not change: every step mirrors the package line by line (the
 * visiting order and the one rng() call per level, each floating-point expression in the same order, the tie-break,
 * the community ids taken from and returned to the unused stack, the zoom-out's renumbering and ascending neighbour
 * order, the queue and its wrap-around at 256 and 65 536 nodes). The package stays the oracle:
 * tests/network_analysis/louvain-equivalence.test.ts compares both on hundreds of graphs, seeds and resolutions.
 */

/** The package's tie-break tolerance on deltas. */
const EPSILON = 1e-10;

/** What a run returns: each node's community (the package's `detailed().communities`) and its move() + isolate() calls. */
export interface LouvainRunResult {
  communities: Int32Array;
  moves: number;
}

/**
 * mnemonist 0.39's SparseQueueSet, kept whole: after a dequeue it stores `capacity` in an array of
 * pointerArray(capacity), which wraps to 0 at 256 and 65 536, and its bounds test then sees some dequeued members
 * as queued, so they are not enqueued again. That changes the visiting order of the package; this reproduces it.
 */
class SparseQueueSet {
  start = 0;
  size = 0;
  readonly dense: PointerArray;
  readonly sparse: PointerArray;
  constructor(readonly capacity: number) {
    const Pointers = pointerArray(capacity);
    this.dense = new Pointers(capacity);
    this.sparse = new Pointers(capacity);
  }

  /** Back to a new queue's state (its members' stale places count: see above). */
  clear(): void {
    this.start = 0;
    this.size = 0;
    this.dense.fill(0);
    this.sparse.fill(0);
  }

  enqueue(member: number): void {
    let index = this.sparse[member]!;
    if (this.size !== 0) {
      const inBounds = (index < this.capacity && index >= this.start && index < this.start + this.size) || index < (this.start + this.size) % this.capacity;
      if (inBounds && this.dense[index] === member) return;
    }
    index = (this.start + this.size) % this.capacity;
    this.dense[index] = member;
    this.sparse[member] = index;
    this.size++;
  }

  dequeue(): number {
    const index = this.start;
    this.size--;
    this.start++;
    if (this.start === this.capacity) this.start = 0;
    const member = this.dense[index]!;
    this.sparse[member] = this.capacity;
    return member;
  }
}

/**
 * The index of a run on one graph and its scratch arrays, allocated once and reused by each run on it (the consensus
 * runs a graph ten times; runs are synchronous, so one at a time). Everything a run reads before writing is reset by
 * louvainRun. The adjacency is double-buffered: the zoom-out reads one and writes the other.
 */
export class LouvainWorkspace {
  starts: PointerArray;
  neighbours: Int32Array;
  weights: Float64Array;
  nextStarts: PointerArray;
  nextNeighbours: Int32Array;
  nextWeights: Float64Array;
  /** Nodes of the current level (the package's C) and ids on the unused stack (its U). */
  C = 0;
  U = 0;
  movesLeft = 0;
  moves = 0;
  readonly loops: Float64Array;
  readonly totalWeights: Float64Array;
  readonly belongings: Int32Array;
  readonly counts: Int32Array;
  readonly unused: Int32Array;
  readonly mapping: Int32Array;
  readonly mapDense: Int32Array;
  readonly mapSparse: Int32Array;
  readonly mapVals: Float64Array;
  readonly queue: SparseQueueSet;
  readonly newLabels: Int32Array;
  readonly newTotals: Float64Array;
  readonly newLoops: Float64Array;
  readonly groupStarts: Int32Array;
  readonly members: Int32Array;
  readonly seenBy: Int32Array;
  readonly sums: Float64Array;
  readonly touched: Int32Array;
  constructor(readonly csr: LouvainCsr) {
    const N = csr.order;
    const entries = csr.neighbours.length;
    this.starts = csr.starts.slice();
    this.nextStarts = csr.starts.slice();
    this.neighbours = new Int32Array(entries);
    this.nextNeighbours = new Int32Array(entries);
    this.weights = new Float64Array(entries);
    this.nextWeights = new Float64Array(entries);
    this.loops = new Float64Array(N);
    this.totalWeights = new Float64Array(N);
    this.belongings = new Int32Array(N);
    this.counts = new Int32Array(N);
    this.unused = new Int32Array(N);
    this.mapping = new Int32Array(N);
    this.mapDense = new Int32Array(N);
    this.mapSparse = new Int32Array(N);
    this.mapVals = new Float64Array(N);
    this.queue = new SparseQueueSet(N);
    this.newLabels = new Int32Array(N);
    this.newTotals = new Float64Array(N);
    this.newLoops = new Float64Array(N);
    this.groupStarts = new Int32Array(N + 1);
    this.members = new Int32Array(N);
    this.seenBy = new Int32Array(N);
    this.sums = new Float64Array(N);
    this.touched = new Int32Array(N);
  }
}

/**
 * Louvain on the workspace's graph at `resolution`, drawing from `random` once per level. Returns null as soon as
 * more than `movesAllowed` move()/isolate() calls would be made (the package can cycle for ever; see louvain.ts).
 * Split in three functions (a level's moves, the zoom-out, this loop) so that V8 optimises the hot one early.
 */
export function louvainRun(work: LouvainWorkspace, resolution: number, random: () => number, movesAllowed: number): LouvainRunResult | null {
  const csr = work.csr;
  const N = csr.order;
  work.starts.set(csr.starts);
  work.neighbours.set(csr.neighbours);
  work.weights.set(csr.weights);
  work.loops.fill(0);
  work.totalWeights.set(csr.nodeWeights);
  work.counts.fill(1);
  const { belongings, mapping } = work;
  for (let i = 0; i < N; i++) belongings[i] = mapping[i] = i;
  work.C = N;
  work.U = 0;
  work.movesLeft = movesAllowed;
  work.moves = 0;
  work.queue.clear(); // a new queue, as each package run makes
  for (;;) {
    const l = work.C;
    const moved = moveNodes(work, resolution, Math.floor(random() * l));
    if (moved === null) return null;
    if (!moved) break;
    zoomOut(work);
  }
  return { communities: mapping.slice(), moves: work.moves };
}

/**
 * One level of the package's fast local moves, the nodes queued from `first` on: whether a node moved, or null as
 * soon as the move budget is spent.
 */
function moveNodes(work: LouvainWorkspace, resolution: number, first: number): boolean | null {
  const { starts, neighbours, weights, loops, totalWeights, belongings, counts, unused, mapDense, mapSparse, mapVals, queue } = work;
  const M = work.csr.totalWeight;
  const l = work.C;
  let U = work.U;
  let movesLeft = work.movesLeft;
  let moves = work.moves;
  let moveWasMade = false;
  for (let s = 0, ri = first; s < l; s++, ri++) queue.enqueue(ri % l);

  while (queue.size !== 0) {
    const i = queue.dequeue();
    let degree = 0;
    // the package's SparseMap(Float64Array, N) of neighbour communities: first-seen order, weights summed from 0
    let mapSize = 0;
    const currentCommunity = belongings[i]!;
    const end = starts[i + 1]!;
    for (let start = starts[i]!; start < end; start++) {
      const weight = weights[start]!;
      const targetCommunity = belongings[neighbours[start]!]!;
      degree += weight;
      const at = mapSparse[targetCommunity]!;
      if (at < mapSize && mapDense[at] === targetCommunity) {
        mapVals[at] = mapVals[at]! + weight;
      } else {
        mapDense[mapSize] = targetCommunity;
        mapSparse[targetCommunity] = mapSize;
        mapVals[mapSize] = 0 + weight;
        mapSize++;
      }
    }

    // fastDeltaWithOwnCommunity(i, degree, communities.get(currentCommunity) || 0, currentCommunity)
    const own = mapSparse[currentCommunity]!;
    const ownDegree = (own < mapSize && mapDense[own] === currentCommunity ? mapVals[own]! : 0) || 0;
    const withLoops = degree + loops[i]!;
    let bestDelta = ownDegree - (withLoops * (totalWeights[currentCommunity]! - withLoops) * resolution) / (2 * M);
    let bestCommunity = currentCommunity;
    for (let ci = 0; ci < mapSize; ci++) {
      const targetCommunity = mapDense[ci]!;
      if (targetCommunity === currentCommunity) continue;
      // fastDelta, then tieBreaker
      const delta = mapVals[ci]! - (withLoops * totalWeights[targetCommunity]! * resolution) / (2 * M);
      let deltaIsBetter: boolean;
      if (Math.abs(delta - bestDelta) < EPSILON) deltaIsBetter = bestCommunity === currentCommunity ? false : targetCommunity > bestCommunity;
      else deltaIsBetter = delta > bestDelta;
      if (deltaIsBetter) {
        bestDelta = delta;
        bestCommunity = targetCommunity;
      }
    }

    if (bestDelta < 0) {
      // isolate(i, degree): a node alone in its community stays; otherwise it takes the last unused id
      if (--movesLeft < 0) return null;
      moves++;
      if (counts[currentCommunity] === 1) continue; // isolate() returned the current community: no move
      const newCommunity = unused[--U]!;
      const moved = degree + loops[i]!;
      totalWeights[currentCommunity]! -= moved;
      totalWeights[newCommunity]! += moved;
      belongings[i] = newCommunity;
      counts[currentCommunity]!--;
      counts[newCommunity]!++;
      bestCommunity = newCommunity;
    } else {
      if (bestCommunity === currentCommunity) continue;
      // move(i, degree, bestCommunity): an emptied community's id goes on the unused stack
      if (--movesLeft < 0) return null;
      moves++;
      const moved = degree + loops[i]!;
      totalWeights[currentCommunity]! -= moved;
      totalWeights[bestCommunity]! += moved;
      belongings[i] = bestCommunity;
      const nowEmpty = counts[currentCommunity]!-- === 1;
      counts[bestCommunity]!++;
      if (nowEmpty) unused[U++] = currentCommunity;
    }

    moveWasMade = true;
    for (let start = starts[i]!; start < end; start++) {
      const j = neighbours[start]!;
      if (belongings[j] !== bestCommunity) queue.enqueue(j);
    }
  }
  work.U = U;
  work.movesLeft = movesLeft;
  work.moves = moves;
  return moveWasMade;
}

/**
 * The package's zoomOut(): communities renumbered in order of first member, then each one's neighbour communities in
 * ascending id (the package's plain-object keys), weights summed over members in index order.
 */
function zoomOut(work: LouvainWorkspace): void {
  const { starts, neighbours, weights, nextStarts, nextNeighbours, nextWeights, loops, totalWeights, belongings, counts, mapping } = work;
  const { newLabels, newTotals, newLoops, groupStarts, members, seenBy, sums, touched } = work;
  const C = work.C;
  newLabels.fill(-1, 0, C);
  let next = 0;
  for (let i = 0; i < C; i++) {
    const ci = belongings[i]!;
    let label = newLabels[ci]!;
    if (label < 0) {
      label = newLabels[ci] = next;
      newTotals[next] = totalWeights[ci]!;
      next++;
    }
    belongings[i] = label;
  }
  for (let i = 0; i < mapping.length; i++) mapping[i] = belongings[mapping[i]!]!;

  groupStarts.fill(0, 0, next + 1);
  for (let i = 0; i < C; i++) groupStarts[belongings[i]! + 1]!++;
  for (let c = 0; c < next; c++) groupStarts[c + 1]! += groupStarts[c]!;
  for (let i = 0; i < C; i++) members[groupStarts[belongings[i]!]!++] = i;
  // groupStarts[c] now ends group c, so group c is [groupStarts[c - 1], groupStarts[c])
  seenBy.fill(-1, 0, next);
  let n = 0;
  for (let ci = 0, from = 0; ci < next; ci++) {
    let internalWeights = 0;
    let found = 0;
    const to = groupStarts[ci]!;
    for (; from < to; from++) {
      const i = members[from]!;
      internalWeights += loops[i]!;
      for (let j = starts[i]!, m = starts[i + 1]!; j < m; j++) {
        const cj = belongings[neighbours[j]!]!;
        if (ci === cj) {
          internalWeights += weights[j]!;
          continue;
        }
        if (seenBy[cj] !== ci) {
          seenBy[cj] = ci;
          sums[cj] = 0;
          touched[found++] = cj;
        }
        sums[cj]! += weights[j]!;
      }
    }
    sortAscending(touched, found);
    nextStarts[ci] = n;
    for (let k = 0; k < found; k++) {
      const cj = touched[k]!;
      nextNeighbours[n] = cj;
      nextWeights[n] = sums[cj]!;
      n++;
    }
    newLoops[ci] = internalWeights;
  }
  nextStarts[next] = n;
  work.starts = nextStarts;
  work.nextStarts = starts;
  work.neighbours = nextNeighbours;
  work.nextNeighbours = neighbours;
  work.weights = nextWeights;
  work.nextWeights = weights;
  for (let ci = 0; ci < next; ci++) {
    totalWeights[ci] = newTotals[ci]!;
    loops[ci] = newLoops[ci]!;
    counts[ci] = 1;
    belongings[ci] = ci;
  }
  work.C = next;
  work.U = 0;
}

/** Sorts xs[0 .. count) ascending (insertion sort: a community's neighbour communities are few). */
function sortAscending(xs: Int32Array, count: number): void {
  if (count > 48) {
    xs.subarray(0, count).sort();
    return;
  }
  for (let k = 1; k < count; k++) {
    const x = xs[k]!;
    let p = k - 1;
    while (p >= 0 && xs[p]! > x) {
      xs[p + 1] = xs[p]!;
      p--;
    }
    xs[p + 1] = x;
  }
}
