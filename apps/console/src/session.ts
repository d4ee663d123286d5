export type Role = 'admin' | 'proposer' | 'viewer';

export interface Session {
  keyId: string;
  name: string;
  role: Role;
  network: string;
  sandbox: boolean;
}

const RANK: Record<Role, number> = { viewer: 1, proposer: 2, admin: 3 };

/** The console shows an action only when the role may take it (the server checks the same rule). */
export const can = (session: Session, role: Role): boolean => RANK[session.role] >= RANK[role];

const EXPLORERS: Record<string, string> = {
  mainnet: 'https://livenet.xrpl.org',
  testnet: 'https://testnet.xrpl.org',
  devnet: 'https://devnet.xrpl.org',
};

/** A ledger explorer link on real networks; none on the sandbox. */
export const explorerLink = (network: string, hash: string): string | null =>
  EXPLORERS[network] ? `${EXPLORERS[network]}/transactions/${hash}` : null;
