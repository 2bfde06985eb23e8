// polkadot-js compatibility check of pop-node.
//
// Usage: node transfer.mjs ws://127.0.0.1:<port>
//
// Connects with @polkadot/api, decodes the metadata, checks the chain's token properties, signs
// a POP transfer from Alice to Dave with the standard sr25519 keyring, and waits until it is
// finalized; then reads the referendum tracks, notes a preimage and submits a referendum on the
// parameters track, as polkadot-js apps' governance pages do. Any warning or error that the library logs (an unknown signed extension, a type it
// cannot determine, …) fails the run: a wallet user would meet the same.
//
// One notice is not about this chain: polkadot-js 16 lists the node's RPC methods that it has no
// wrapper for ("RPC methods not decorated"). Every current Substrate node, Polkadot's included,
// serves the new JSON-RPC specification (chainHead_v1_*, archive_v1_*, transaction_v1_*, …),
// which polkadot-js leaves to other clients. That notice passes only if every method it names
// belongs to those families; an undeclared method of our own would still fail the run.

const SPEC_METHOD = /^(archive_v1_|chainHead_v1_|chainSpec_v1_|transaction_v1_|transactionWatch_v1_|bitswap_v1_)/;
const NEWER_SUBSTRATE_METHODS = new Set(['author_rotateKeysWithOwner', 'state_callRecorded']);

function isSpecMethodsNotice(text) {
  const m = text.match(/RPC methods not decorated: (.*)$/s);
  if (!m) return false;
  const methods = m[1].split(',').map((s) => s.trim()).filter(Boolean);
  return methods.every((name) => SPEC_METHOD.test(name) || NEWER_SUBSTRATE_METHODS.has(name));
}

const problems = [];
for (const level of ['warn', 'error']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    const text = args.map(String).join(' ');
    if (level === 'warn' && isSpecMethodsNotice(text)) {
      console.log(`(notice, not a problem) ${text.trim()}`);
      return;
    }
    problems.push(`${level}: ${text}`);
    original(...args);
  };
}

const { ApiPromise, WsProvider, Keyring } = await import('@polkadot/api');
const { cryptoWaitReady } = await import('@polkadot/util-crypto');

const url = process.argv[2];
if (!url) {
  console.log('usage: node transfer.mjs ws://127.0.0.1:<port>');
  process.exit(2);
}

function fail(message) {
  console.log(`FAIL: ${message}`);
  process.exit(1);
}

const timer = setTimeout(() => fail('timed out after 120 s'), 120_000);

await cryptoWaitReady();
const api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });

const symbols = api.registry.chainTokens;
const decimals = api.registry.chainDecimals;
console.log(`connected to ${(await api.rpc.system.chain()).toString()}: tokens ${symbols} decimals ${decimals}`);
if (symbols.join(',') !== 'POP,LIT') fail(`token symbols are ${symbols}`);
if (decimals.join(',') !== '12,9') fail(`token decimals are ${decimals}`);

// Every call and every storage item of the metadata must be decodable into known types.
const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
for (const needed of ['System', 'Balances', 'Session', 'Aura', 'Grandpa', 'TransactionPayment', 'LitBalances', 'Lit', 'Preimage', 'Referenda', 'ConvictionVoting', 'Scheduler', 'Parameters']) {
  if (!pallets.includes(needed)) fail(`pallet ${needed} missing from metadata: ${pallets}`);
}
const extensions = api.registry.signedExtensions;
console.log(`signed extensions: ${extensions.join(', ')}`);

const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
const alice = keyring.addFromUri('//Alice');
const dave = keyring.addFromUri('//Dave');

// Both balances, as a wallet shows them: POP in System, LIT in the LitBalances pallet.
const alicePop = (await api.query.system.account(alice.address)).data.free;
const aliceLit = (await api.query.litBalances.account(alice.address)).free;
console.log(`Alice holds ${alicePop.toHuman()} planck POP and ${aliceLit.toHuman()} units of LIT`);
if (aliceLit.toBigInt() !== 10_000n * 10n ** 9n) fail(`Alice's LIT is ${aliceLit.toString()}`);
if (typeof api.tx.lit?.mint !== 'function') fail('lit.mint is missing from the metadata');

const amount = 7n * 10n ** 12n + 42n; // 7 POP and 42 planck
const before = (await api.query.system.account(dave.address)).data.free.toBigInt();

const info = await api.tx.balances.transferKeepAlive(dave.address, amount).paymentInfo(alice);
console.log(`estimated fee: ${info.partialFee.toHuman()}`);

const finalizedIn = await new Promise((resolve, reject) => {
  api.tx.balances
    .transferKeepAlive(dave.address, amount)
    .signAndSend(alice, ({ status, dispatchError, events }) => {
      if (dispatchError) reject(new Error(`dispatch error: ${dispatchError.toString()}`));
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isFinalized) {
        const ok = events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event));
        const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
        if (!ok || !transfer) reject(new Error('no ExtrinsicSuccess/Transfer event'));
        resolve(status.asFinalized.toHex());
      }
    })
    .catch(reject);
}).catch((e) => fail(e.message));

const after = (await api.query.system.account(dave.address)).data.free.toBigInt();
if (after - before !== amount) fail(`Dave received ${after - before}, expected ${amount}`);
console.log(`transfer finalized in ${finalizedIn}; Dave received ${amount}`);

// Governance, as polkadot-js apps' governance pages use it: the tracks by name, a preimage
// noted and a referendum submitted on the parameters track with the governance origin.
// Track names are fixed-size and zero-padded on chain, as in every OpenGov runtime.
const tracks = api.consts.referenda.tracks.map(
  ([id, t]) => `${id}:${t.name.toString().replace(/\0+$/, '')}`,
);
console.log(`referendum tracks: ${tracks.join(', ')}`);
if (tracks.join(',') !== '0:root,1:parameters,2:emergency,3:moderation') fail(`tracks are ${tracks}`);

function inBlock(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(`dispatch error: ${dispatchError.toString()}`));
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isInBlock) resolve(status.asInBlock.toHex());
    }).catch(reject);
  }).catch((e) => fail(e.message));
}

const proposal = api.tx.lit.setRate(2n * 10n ** 18n).method;
await inBlock(api.tx.preimage.notePreimage(proposal.toHex()), alice);
const status = await api.query.preimage.requestStatusFor(proposal.hash);
if (status.isNone) fail('the noted preimage is not stored');
const count = (await api.query.referenda.referendumCount()).toNumber();
await inBlock(
  api.tx.referenda.submit(
    { Governance: 'Parameters' },
    { Lookup: { hash: proposal.hash, len: proposal.encodedLength } },
    { After: 1 },
  ),
  alice,
);
const referendum = await api.query.referenda.referendumInfoFor(count);
if (referendum.isNone || !referendum.unwrap().isOngoing) fail(`referendum ${count} is not ongoing`);
const track = referendum.unwrap().asOngoing.track.toNumber();
if (track !== 1) fail(`referendum ${count} is on track ${track}, not parameters`);
console.log(`referendum ${count} submitted on the parameters track`);

await api.disconnect();
clearTimeout(timer);
if (problems.length) fail(`the library logged ${problems.length} warning(s)/error(s):\n${problems.join('\n')}`);
console.log('OK');
process.exit(0);
