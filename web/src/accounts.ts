// Who signs: the polkadot-js browser extension's accounts when it is installed, and on
// development and local chains the well-known development accounts (Alice … Ferdie and their
// stashes), derived here from the public development phrase.

import { sr25519CreateDerive } from "@polkadot-labs/hdkd";
import { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy, ss58Address } from "@polkadot-labs/hdkd-helpers";
import type { PolkadotSigner } from "polkadot-api";
import { connectInjectedExtension, getInjectedExtensions } from "polkadot-api/pjs-signer";
import { getPolkadotSigner } from "polkadot-api/signer";

export interface Account {
  name: string;
  address: string;
  signer: PolkadotSigner;
}

const DEV_NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

/** The development accounts, `//Alice` … `//Ferdie` and `//Alice//stash` …. */
export function devAccounts(): Account[] {
  const derive = sr25519CreateDerive(entropyToMiniSecret(mnemonicToEntropy(DEV_PHRASE)));
  return DEV_NAMES.flatMap((name) =>
    [`//${name}`, `//${name}//stash`].map((path) => {
      const pair = derive(path);
      return {
        name: path.replace(/^\/\//, "").replace("//", " "),
        address: ss58Address(pair.publicKey, 42),
        signer: getPolkadotSigner(pair.publicKey, "Sr25519", pair.sign),
      };
    }),
  );
}

/** The extension's accounts, if one is installed and the user allows this page. */
export async function extensionAccounts(): Promise<Account[]> {
  const names = getInjectedExtensions();
  const out: Account[] = [];
  for (const name of names) {
    try {
      const ext = await connectInjectedExtension(name);
      for (const a of ext.getAccounts()) {
        out.push({ name: `${a.name ?? a.address} (${name})`, address: a.address, signer: a.polkadotSigner });
      }
    } catch (e) {
      console.info(`extension ${name}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Every account this page can sign with: the extension's, then (on a dev or local chain) the
 *  development ones. */
export async function signingAccounts(chainName: string): Promise<Account[]> {
  const accounts = await extensionAccounts();
  if (/development|local|dev/i.test(chainName)) accounts.push(...devAccounts());
  return accounts;
}

/** A signer that produces a zero signature: for fee estimates only (never valid on chain). */
export function estimateSigner(publicKey: Uint8Array): PolkadotSigner {
  return getPolkadotSigner(publicKey, "Sr25519", () => new Uint8Array(64));
}
