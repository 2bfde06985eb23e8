// The page's one way to the chain: a polkadot-api client typed by descriptors generated from
// the runtime itself (scripts/build-web), over the node's WebSocket JSON-RPC. Records are turned
// here into the plain shapes the pages use, so that a runtime change shows up as a type error
// in this file.

import { Binary, createClient, type PolkadotClient, type TypedApi } from "polkadot-api";
import { getWsProvider } from "polkadot-api/ws";
import { pop } from "@polkadot-api/descriptors";
import { fromHex, toHex } from "./hex";
import { httpUrl } from "./multiaddr";
import { BUNDLED_CODE_HASH } from "./runtime-code.gen";

export interface Chain {
  client: PolkadotClient;
  api: TypedApi<typeof pop>;
}

/** The node to talk to: `?rpc=ws://…`, else port 9944 of the host that served the page
 *  (over wss when the page came over https: a secure page cannot open a plain socket). */
export function rpcUrl(): string {
  const given = new URLSearchParams(location.search).get("rpc");
  if (given) return given;
  const host = location.hostname.includes(":") ? `[${location.hostname}]` : location.hostname || "127.0.0.1";
  return `${location.protocol === "https:" ? "wss" : "ws"}://${host}:9944`;
}

/** Whether the node was named by the link rather than being this site's own: the signing
 *  pages say so, since that node tells them balances, fees and what is signed. */
export function rpcFromLink(): boolean {
  return new URLSearchParams(location.search).has("rpc");
}

/** Reads at the best block: what a page shows right after the user's own transaction, before
 *  it is finalized. */
export const BEST = { at: "best" } as const;

/** Where the page keeps the metadata of the last runtime it met that it was not built with. */
const METADATA_CACHE = "pop-metadata";

/** The runtime's metadata without downloading it (a few hundred kilobytes, the longest part of
 *  a first visit's start): the copy bundled with the page when the chain runs the runtime the
 *  page was built from, else the one this browser kept from an earlier visit. */
async function knownMetadata(codeHash: string): Promise<Uint8Array | null> {
  if (codeHash === BUNDLED_CODE_HASH) return pop.getMetadata();
  try {
    const kept = JSON.parse(localStorage.getItem(METADATA_CACHE) ?? "null");
    return kept?.codeHash === codeHash ? fromHex(kept.metadata) : null;
  } catch {
    return null;
  }
}

function keepMetadata(codeHash: string, metadata: Uint8Array) {
  if (codeHash === BUNDLED_CODE_HASH) return;
  try {
    localStorage.setItem(METADATA_CACHE, JSON.stringify({ codeHash, metadata: toHex(metadata) }));
  } catch {
    // Storage full or refused: the next visit downloads it again.
  }
}

export function connect(): Chain {
  const client = createClient(getWsProvider(rpcUrl()), {
    getMetadata: knownMetadata,
    setMetadata: keepMetadata,
  });
  return { client, api: client.getTypedApi(pop) };
}

export interface SegmentRecord {
  plainLen: number;
  duration: number;
  shardLen: number;
  shards: Uint8Array[];
  /** The holder of each shard (SS58 account). */
  holders: string[];
}

export interface ContentRecord {
  version: number;
  mediaType: string;
  metadataHash: Uint8Array;
  k: number;
  n: number;
  keyCommitment: Uint8Array | null;
  /** CMAF's timescale; 0 for byte segments. */
  timescale: number;
  status: string;
  segments: SegmentRecord[];
}

const bytes32 = (hex: string): Uint8Array => {
  const b = fromHex(hex);
  if (!b || b.length !== 32) throw new Error(`not 32 bytes: ${hex}`);
  return b;
};

/** Content `id` as the chain records it (`ContentApi_content`), or null if it has none. */
export async function readContent(chain: Chain, id: Uint8Array): Promise<ContentRecord | null> {
  const view = await chain.api.apis.ContentApi.content(toHex(id));
  if (!view) return null;
  const info = view.info;
  return {
    version: info.version,
    mediaType: Binary.toText(info.media_type),
    metadataHash: bytes32(info.metadata_hash),
    k: info.k,
    n: info.n,
    keyCommitment: info.key_commitment ? bytes32(info.key_commitment) : null,
    timescale: info.packaging.type === "Cmaf" ? info.packaging.value.timescale : 0,
    status: info.status.type,
    segments: view.segments.map((s) => ({
      plainLen: s.plain_len,
      duration: s.duration,
      shardLen: s.shard_len,
      shards: s.shards.map(bytes32),
      holders: s.holders,
    })),
  };
}

/** Each masternode's HTTP(S) endpoint (URL base) by account, from the addresses it registered. */
export async function readEndpoints(chain: Chain): Promise<Map<string, string>> {
  const nodes = await chain.api.apis.ContentApi.masternodes();
  const out = new Map<string, string>();
  for (const [account, info] of nodes) {
    const urls = info.addresses.map((a) => httpUrl(Binary.toText(a))).filter((u): u is string => !!u);
    // An https endpoint first: a page served over https can use only those.
    const url = urls.find((u) => u.startsWith("https:")) ?? urls[0];
    if (url) out.set(account, url);
  }
  return out;
}
