// How soon a write through one service instance shows in another instance's recommendations
// (scripts/bench-visibility.sh). Each round picks a Lotse and the best peer instance B
// recommends to it, hides that peer from recommendations through instance A
// (`updateLotse(visibility: CONTACTS_ONLY)`), asks B every POLL_MS until the peer is gone,
// then makes the peer visible again through A (`NETWORK`) and asks B until it is back: two
// writes per round. The time of a write is from A's answer (the write is committed) to the
// first answer of B that shows it; the time from sending the write is printed as well.
//
//   WRITER=http://127.0.0.1:P1 READER=http://127.0.0.1:P2 TOKEN=<admin token> LOTSEN=1600 \
//     WRITES=200 node visibility.mjs
//
// Optional: POLL_MS (default 5), TIMEOUT_MS (a write not seen within it fails the run,
// default 10000), SEED (default 42, the choice of Lotsen).
const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const writer = env("WRITER");
const reader = env("READER");
const token = env("TOKEN");
const lotsen = Number(env("LOTSEN"));
const writes = Number(env("WRITES", "200"));
const pollMs = Number(env("POLL_MS", "5"));
const timeoutMs = Number(env("TIMEOUT_MS", "10000"));
let seed = Number(env("SEED", "42"));

async function gql(base, query, variables) {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${base}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const PEERS = "query($l: ID!) { recommendPeers(lotseId: $l, first: 10) { lotse { id } } }";
const SET_VISIBILITY = "mutation($id: ID!, $v: Visibility!) { updateLotse(id: $id, input: { visibility: $v }) { id } }";

async function peers(base, lotse) {
  const data = await gql(base, PEERS, { l: lotse });
  return data.recommendPeers.map((r) => r.lotse.id);
}

// A Lotse id from a small linear congruential generator: the same SEED, the same rounds.
function nextLotse() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return `lotse-${String(1 + (seed % lotsen)).padStart(Math.max(4, String(lotsen).length), "0")}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Writes through A, then asks B until `shown(list)` holds; [ms from A's answer, ms from sending].
async function timeWrite(peer, visibility, lotse, shown) {
  const sent = performance.now();
  await gql(writer, SET_VISIBILITY, { id: peer, v: visibility });
  const committed = performance.now();
  for (;;) {
    if (shown(await peers(reader, lotse))) {
      const now = performance.now();
      return [now - committed, now - sent];
    }
    if (performance.now() - committed > timeoutMs) {
      throw new Error(`${visibility} of ${peer} not seen in ${lotse}'s recommendations within ${timeoutMs} ms`);
    }
    await sleep(pollMs);
  }
}

const fromCommit = [];
const fromSend = [];
while (fromCommit.length < writes) {
  const lotse = nextLotse();
  const [peer] = await peers(reader, lotse);
  if (!peer) continue;
  for (const [visibility, shown] of [
    ["CONTACTS_ONLY", (list) => !list.includes(peer)],
    ["NETWORK", (list) => list.includes(peer)],
  ]) {
    const [commit, send] = await timeWrite(peer, visibility, lotse, shown);
    fromCommit.push(commit);
    fromSend.push(send);
  }
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const line = (name, values) =>
  `${name}: median ${percentile(values, 50).toFixed(0)} ms, p90 ${percentile(values, 90).toFixed(0)} ms, ` +
  `p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
console.log(`${fromCommit.length} writes through ${writer}, read through ${reader} every ${pollMs} ms`);
console.log(line("visible after the write's answer", fromCommit));
console.log(line("visible after the write was sent", fromSend));
