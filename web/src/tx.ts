// Fees in the token that will pay them (the runtime's FeesApi: the free quota, then LIT, then
// POP), and submitting a transaction with a readable outcome.

import { ss58Decode } from "@polkadot-labs/hdkd-helpers";
import type { Chain } from "./chain";
import { estimateSigner, type Account } from "./accounts";
import { format, LIT_DECIMALS, POP_DECIMALS } from "./units";

// The transaction type is generic over the chain's assets and extensions; what these helpers
// use of it is the same for every call.
interface Signable {
  sign(from: Account["signer"]): Promise<Uint8Array>;
  signAndSubmit(from: Account["signer"]): Promise<{
    ok: boolean;
    block: { number: number };
    dispatchError?: { type: string; value: unknown };
  }>;
}

export interface Fee {
  /** "quota", "LIT", "POP" or "cannot pay". */
  source: string;
  text: string;
  quotaLeft: bigint;
}

/** `bytes` without their leading SCALE compact length. */
function withoutLength(bytes: Uint8Array): Uint8Array {
  const mode = bytes[0] & 0b11;
  const skip = mode === 0 ? 1 : mode === 1 ? 2 : mode === 2 ? 4 : 1 + (bytes[0] >> 2) + 4;
  return bytes.subarray(skip);
}

/** What `account` would pay for `tx` now, and from what. */
export async function estimate(chain: Chain, tx: Signable, account: Account): Promise<Fee> {
  const bytes = await tx.sign(estimateSigner(ss58Decode(account.address)[0]));
  // The runtime API takes the extrinsic as bytes, which papi prefixes with their length: pass
  // them without the length prefix the signed transaction already has.
  const e = await chain.api.apis.FeesApi.estimate_fee(withoutLength(bytes), bytes.length);
  if (!e) return { source: "none", text: "no fee", quotaLeft: 0n };
  const pop = `${format(e.fee, POP_DECIMALS)} POP`;
  switch (e.source.type) {
    case "Nothing":
      return { source: "none", text: "no fee", quotaLeft: e.quota_left };
    case "Quota":
      return { source: "quota", text: `free: ${pop} from your fee quota`, quotaLeft: e.quota_left };
    case "Lit":
      return { source: "LIT", text: `${format(e.amount, LIT_DECIMALS)} LIT`, quotaLeft: e.quota_left };
    case "Pop":
      return { source: "POP", text: pop, quotaLeft: e.quota_left };
    case "QuotaBlockFull":
      return { source: "cannot pay", text: `${pop}: this block's quota share is used up and the account has no LIT or POP to pay; try again next block`, quotaLeft: e.quota_left };
    default:
      return { source: "cannot pay", text: `${pop}: more than the account's quota, LIT and POP`, quotaLeft: e.quota_left };
  }
}

/** Signs and submits `tx`; resolves when it is finalized, with its block, or throws with the
 *  chain's reason. */
export async function submit(tx: Signable, account: Account): Promise<number> {
  const result = await tx.signAndSubmit(account.signer);
  if (!result.ok) {
    const e = result.dispatchError;
    const inner = e && typeof e.value === "object" && e.value !== null ? (e.value as { type?: string; value?: { type?: string } }) : undefined;
    const name = [e?.type, inner?.type, inner?.value?.type].filter(Boolean).join(".");
    throw new Error(`the chain refused it in block ${result.block.number}: ${name || "dispatch error"}`);
  }
  return result.block.number;
}
