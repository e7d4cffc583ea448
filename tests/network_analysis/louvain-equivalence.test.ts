import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consensusClusters } from '../../src/network_analysis/consensus-clusters.js';
import { ClusteringError, louvainCommunities, louvainGraph, louvainWithinBudget } from '../../src/network_analysis/louvain.js';
import { createRng, type Rng } from '../../src/utils/rng.js';
import { consensusWindows, distinctEdges, knnGraph, libraryCommunities, libraryConsensusClusters, libraryGraph, libraryIndex, libraryLouvainCommunities, libraryWithinBudget, messyGraph, thresholdGraph, type TestGraph } from './louvain-oracle.js';

/**
 * The hand-written Louvain must give graphology-communities-louvain 2.0.2's results exactly (issue 16): the same
 * communities as the package numbers them, the same count of move()/isolate() calls, so the move budget stops the
 * same runs, and the same public result. Graphs are seeded and varied: kNN and threshold graphs of factor-model
 * correlations as the engine builds them, messy edge lists, 256-entry and 256-node graphs (where the package's
 * unsigned arrays wrap), 2 to 300 nodes; seeds, resolutions and budgets vary per run.
 */

interface Tally {
  graphs: number;
  runs: number;
  laterStream: number;
  noStream: number;
}

/** Runs both on `g` with each (seed, resolution, budget) and expects the same everything. */
function compare(g: TestGraph, runs: { seed: number; resolution: number; movesPerNode: number }[], tally: Tally): void {
  const lib = libraryGraph(g.edges, g.nodes);
  const mine = louvainGraph(g.edges, g.nodes);
  const what = `${g.shape}`;
  expect(mine.nodes, what).toEqual(lib.nodes);
  expect(mine.graph.size, what).toBe(lib.graph.size);
  tally.graphs++;
  if (lib.graph.size === 0) return;
  // level 0, array for array (the package's neighbour order: reverse edge order per node)
  const index = libraryIndex(lib.graph, 1);
  expect(mine.graph.totalWeight, what).toBe(index.M);
  expect(Array.from(mine.graph.starts), what).toEqual(Array.from(index.starts));
  expect(Array.from(mine.graph.neighbours), what).toEqual(Array.from(index.neighborhood));
  expect(Array.from(mine.graph.weights), what).toEqual(Array.from(index.weights));
  expect(Array.from(mine.graph.nodeWeights), what).toEqual(Array.from(index.totalWeights));
  for (const { seed, resolution, movesPerNode } of runs) {
    const run = `${what} seed=${seed} resolution=${resolution} movesPerNode=${movesPerNode}`;
    const want = libraryWithinBudget(lib.graph, lib.nodes.length, resolution, seed, movesPerNode);
    tally.runs++;
    if (want === null) {
      tally.noStream++;
      expect(() => louvainWithinBudget(mine.workspace, resolution, seed, movesPerNode), run).toThrow(ClusteringError);
      continue;
    }
    if (want.attempt > 0) tally.laterStream++;
    const got = louvainWithinBudget(mine.workspace, resolution, seed, movesPerNode);
    expect({ attempt: got.attempt, moves: got.moves }, run).toEqual({ attempt: want.attempt, moves: want.moves });
    expect(Object.fromEntries(mine.nodes.map((n, i) => [n, got.communities[i]])), run).toEqual(want.communities);
    expect(louvainCommunities(mine, { seed, resolution, maxMovesPerNode: movesPerNode }), run).toEqual(libraryCommunities(want.communities, lib.nodes, g.edges, resolution));
  }
}

/** Sizes 2..300, mostly small (as the consensus's windows and the engine's universes are). */
const size = (rng: Rng, max: number) => 2 + Math.floor((max - 1) * rng.next() ** 2);

/** Two runs per graph: random seed, a resolution among the engine's and odd ones, now and then a tight budget. */
function runsFor(rng: Rng): { seed: number; resolution: number; movesPerNode: number }[] {
  return Array.from({ length: 2 }, () => {
    const r = rng.next();
    const resolution = r < 0.5 ? 1 : r < 0.6 ? 0.5 : r < 0.7 ? 1.5 : r < 0.8 ? 2 : 0.1 + 3 * rng.next();
    const b = rng.next();
    return { seed: rng.int(1_000_000), resolution, movesPerNode: b < 0.75 ? 200 : b < 0.8 ? 0 : [0.75, 0.9, 1, 1.1, 1.25, 1.6][rng.int(6)]! };
  });
}

describe('hand-written Louvain against graphology-communities-louvain 2.0.2', () => {
  it('builds the same graph and gives the same communities, moves and budget outcomes on 340 seeded graphs', () => {
    const rng = createRng(16);
    const tally: Tally = { graphs: 0, runs: 0, laterStream: 0, noStream: 0 };
    const graphs: TestGraph[] = [];
    for (let c = 0; c < 130; c++) graphs.push(knnGraph(rng, size(rng, 300), [8, 8, 8, 2, 3, 5, 12][rng.int(7)]!));
    for (let c = 0; c < 60; c++) graphs.push(thresholdGraph(rng, size(rng, 200), 0.05 + 0.6 * rng.next()));
    for (let c = 0; c < 120; c++) {
      const n = size(rng, 150);
      graphs.push(messyGraph(rng, n, 1 + rng.int(4 * n)));
    }
    // 128 distinct edges: `starts` holds 256 in a Uint8Array, so the last node with edges looks isolated to the package
    for (let c = 0; c < 12; c++) graphs.push(distinctEdges(rng, 20 + rng.int(80), 128));
    // 256 nodes: the package's queue stores its capacity in a Uint8Array and skips some re-enqueues
    for (let c = 0; c < 12; c++) graphs.push(knnGraph(rng, 255 + (c % 3), [8, 3][c % 2]!));
    for (let c = 0; c < 6; c++) graphs.push(messyGraph(rng, 256, 200 + rng.int(600)));
    for (const g of graphs) compare(g, runsFor(rng), tally);
    // counted on these seeded graphs: 642 runs (graphs without edges are not run), of which the budget sent 11 to a
    // later seed stream and stopped 93 on every stream (budgets of 0 and ~1 move per node: converging runs make 0.7-1.7)
    expect(tally).toEqual({ graphs: 340, runs: 642, laterStream: 11, noStream: 93 });
  });

  it('on the graph where the package cycles: the same stopped runs, later streams and results for 30 seeds', () => {
    const fixture = JSON.parse(readFileSync(new URL('fixtures/louvain-cycle.json', import.meta.url), 'utf8')) as { nodes: string[]; edges: { source: string; target: string; weight: number }[] };
    const tally: Tally = { graphs: 0, runs: 0, laterStream: 0, noStream: 0 };
    const runs = Array.from({ length: 30 }, (_, i) => ({ seed: 6990 + i, resolution: 1, movesPerNode: 200 }));
    compare({ shape: 'louvain-cycle.json', edges: fixture.edges, nodes: fixture.nodes }, [...runs, { seed: 7006, resolution: 1.2, movesPerNode: 200 }, { seed: 7006, resolution: 1, movesPerNode: 3 }], tally);
    // seed 7006 cycles on stream 7 (the fixture's reason to exist) and converges on stream 8
    expect(louvainWithinBudget(louvainGraph(fixture.edges, fixture.nodes).workspace, 1, 7006, 200).attempt).toBe(1);
    expect(tally.laterStream).toBeGreaterThanOrEqual(1);
  });

  it('gives the same consensus clusters (communities, modularities, cluster count) as the package did', () => {
    const rng = createRng(1616);
    for (const [n, windows, runs] of [[12, 5, 10], [40, 5, 10], [80, 5, 10], [80, 3, 4], [150, 2, 3], [256, 2, 2], [300, 1, 2]] as const) {
      const { graphs, nodes } = consensusWindows(rng, n, windows);
      // the engine passes its symbols; also: an unsorted list, an asset no window has, and one a window has but the list lacks
      const listed = n === 80 && windows === 3 ? [...nodes.slice(1), 'ZZ-NO-EDGES'] : nodes;
      const o = { resolution: [1, 1.3, 0.8][rng.int(3)]!, runs, seed: rng.int(1000) };
      expect(consensusClusters(graphs, listed, o), `n=${n}`).toEqual(libraryConsensusClusters(graphs, listed, o));
    }
    // and a plain call on edges: the edge-list path of louvainCommunities
    const g = knnGraph(rng, 60, 8);
    expect(louvainCommunities(g.edges, { seed: 5, resolution: 1.1 })).toEqual(libraryLouvainCommunities(g.edges, { seed: 5, resolution: 1.1 }));
  });
});
