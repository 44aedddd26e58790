// Reads heapsnap's snapshot with an independent parser (the npm package
// v8-heapsnapshot) and checks it against the heap heapsnap built:
//   #((1 "needle" hay)) held by a Pointer, and a weak pair (weak car: that
//   list) held by another.
//
//   node check.js FILE.heapsnapshot
const assert = require('assert');
const {parseSnapshotFromFile} = require('v8-heapsnapshot');

async function main(file) {
  const snapshot = await parseSnapshotFromFile(file);
  const names = (nodes) => nodes.map((n) => `${n.type}:${n.name}`).sort();
  // The root, a Pointer group per type with locked values, the 7 values.
  assert.deepStrictEqual(names(snapshot.nodes), [
    'object:Pair',
    'object:Pair',
    'object:Pair',
    'object:Vector',
    'object:WeakPair',
    'string:hay',
    'string:needle',
    'synthetic:',
    'synthetic:(Pointers: Vector)',
    'synthetic:(Pointers: WeakPair)',
  ]);
  // Root -> 2 groups -> 2 locked values; Vector[0]; the pairs' car and cdr
  // (the integer 1 is immediate, not an edge); the weak pair's weak car.
  assert.strictEqual(snapshot.edges.length, 10);
  const root = snapshot.nodes[0];
  assert.strictEqual(root.name, '');

  // Why is "needle" alive: follow its strong retainers to the root.
  const needle = snapshot.nodes.find((n) => n.name === 'needle');
  assert.strictEqual(needle.self_size > 0, true);
  const path = [];
  for (let node = needle; node !== root;) {
    const strong = node.in_edges.filter((e) => e.type !== 'weak');
    assert.strictEqual(strong.length, 1, `${node.name} has one retainer`);
    path.unshift(`${strong[0].from.name}.${strong[0].name}`);
    node = strong[0].from;
  }
  assert.deepStrictEqual(path, [
    '.0',
    '(Pointers: Vector).0',
    'Vector.0',
    'Pair.cdr',
    'Pair.car',
  ]);

  // The weak pair's car is a weak edge to the list's first pair.
  const weak = snapshot.edges.filter((e) => e.type === 'weak');
  assert.strictEqual(weak.length, 1);
  assert.strictEqual(weak[0].from.name, 'WeakPair');
  assert.strictEqual(weak[0].name, 'car');
  assert.strictEqual(
      weak[0].to,
      snapshot.nodes.find(
          (n) => n.name === 'Pair' &&
              n.in_edges.some((e) => e.from.name === 'Vector')));
  console.log(
      `check.js: ${snapshot.nodes.length} nodes, ` +
      `${snapshot.edges.length} edges, needle: ${path.join(' -> ')}`);
}

main(process.argv[2]).catch((error) => {
  console.error(error);
  process.exit(1);
});
