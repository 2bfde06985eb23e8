// RFC-0078 metadata-hash check of pop-node (frame_metadata_hash_extension::CheckMetadataHash).
//
// Usage: node metadata-hash.mjs ws://127.0.0.1:<port>
//
// A hardware wallet (Ledger's generic Polkadot app) signs with `mode = 1` and the merkleized
// metadata digest of RFC-0078; the runtime adds the digest it was built with (substrate-wasm-
// builder's `enable_metadata_hash("POP", 12)`) to the signed payload. This script computes that
// digest independently from the node's V15 metadata with @polkadot-api/merkleize-metadata,
// then:
//   1. signs an Alice -> Bob transfer with `{ mode: 1, metadataHash: <digest> }` and waits until
//      it is in a block: prints {"included":"0x<block>","hash":"0x<digest>"};
//   2. signs a second transfer with a wrong digest (one byte flipped) and expects the node to
//      refuse it at submission (1010 invalid transaction, bad proof): prints {"rejected":"..."}.
// It exits 0 only if both happened.

import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';

const { ApiPromise, WsProvider, Keyring } = await import('@polkadot/api');
const { cryptoWaitReady } = await import('@polkadot/util-crypto');

// What the runtime was built with: pop_primitives::currency::{POP_SYMBOL, POP_DECIMALS}.
const TOKEN_SYMBOL = 'POP';
const DECIMALS = 12;

const url = process.argv[2];
if (!url) {
  console.log('usage: node metadata-hash.mjs ws://127.0.0.1:<port>');
  process.exit(2);
}

let api;
function fail(message) {
  console.log(`FAIL: ${message}`);
  // Do not wait on a disconnect that may itself hang.
  api?.disconnect().catch(() => {});
  process.exit(1);
}

const timer = setTimeout(() => fail('timed out after 90 s'), 90_000);
process.on('unhandledRejection', (e) => fail(`unhandled rejection: ${e?.message ?? e}`));

await cryptoWaitReady();
api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });

const extensions = api.registry.signedExtensions;
console.log(`signed extensions: ${extensions.join(', ')}`);
if (!extensions.includes('CheckMetadataHash')) fail('the runtime has no CheckMetadataHash extension');

// The chain properties, printed for comparison; the digest uses the runtime's build values.
const props = await api.rpc.system.properties();
console.log(
  `system_properties: tokenSymbol ${props.tokenSymbol.toString()} tokenDecimals ${props.tokenDecimals.toString()}; ` +
    `digest computed with tokenSymbol ${TOKEN_SYMBOL} decimals ${DECIMALS}`,
);

// V15 metadata, raw: state_call Metadata_metadata_at_version(15u32) answers the SCALE encoding
// of Option<OpaqueMetadata> = 0x01 ++ Compact<len> ++ the metadata bytes ("meta" magic first).
const answer = await api.rpc.state.call('Metadata_metadata_at_version', '0x0f000000');
const opaque = api.createType('Option<Bytes>', answer.toU8a(true));
if (opaque.isNone) fail('the runtime does not serve V15 metadata');
const metadataBytes = opaque.unwrap().toU8a(true);
if (Buffer.from(metadataBytes.subarray(0, 5)).toString('hex') !== '6d6574610f') {
  fail('the answer of Metadata_metadata_at_version(15) is not V15 metadata ("meta" ++ 15)');
}

let digest;
try {
  digest = merkleizeMetadata(metadataBytes, { decimals: DECIMALS, tokenSymbol: TOKEN_SYMBOL }).digest();
} catch (e) {
  fail(`cannot merkleize the V15 metadata: ${e.message}`);
}
const hash = `0x${Buffer.from(digest).toString('hex')}`;
console.log(`RFC-0078 metadata digest: ${hash}`);

const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const amount = 1_000_000_000_000n; // 1 POP

// 1. The right digest: the transfer is included in a block.
const included = await new Promise((resolve, reject) => {
  api.tx.balances
    .transferKeepAlive(bob.address, amount)
    .signAndSend(alice, { mode: 1, metadataHash: hash }, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(`dispatch error: ${dispatchError.toString()}`));
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
      if (status.isInBlock) resolve(status.asInBlock.toHex());
    })
    .catch(reject);
}).catch((e) => fail(`the transfer signed with the right metadata hash failed: ${e.message}`));
console.log(JSON.stringify({ included, hash }));

// 2. A wrong digest: the signature no longer matches the payload the runtime rebuilds, so the
// node must refuse the transaction at submission.
const wrong = Buffer.from(digest);
wrong[0] ^= 0x01;
let rejected;
try {
  const tx = await api.tx.balances
    .transferKeepAlive(bob.address, amount)
    .signAsync(alice, { mode: 1, metadataHash: `0x${wrong.toString('hex')}` });
  const txHash = await api.rpc.author.submitExtrinsic(tx);
  fail(`the transfer signed with a wrong metadata hash was accepted (${txHash.toHex()})`);
} catch (e) {
  rejected = e.message;
}
if (!/1010|invalid transaction|bad ?proof|bad ?signature/i.test(rejected)) {
  fail(`the wrong metadata hash was refused for another reason: ${rejected}`);
}
console.log(JSON.stringify({ rejected }));

clearTimeout(timer);
await api.disconnect();
console.log('OK');
process.exit(0);
