import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Which vault node a data directory is (DESIGN §10), recorded in vault.json. Every node of a
 * cluster shares one module table and one audit log keyed by module serial, so serials must never
 * collide across nodes: the node that ran the first-run ceremony keeps the plain `M0001`… scheme
 * (single-node vaults are unchanged), and every node that joins later names its modules
 * `N<node id>-M0001`…, a prefix no plain serial can start with.
 */
export const NodeIdentitySchema = z.strictObject({
  /** 32 random bits, hex: two joined nodes collide with odds of about n²/2³³. */
  id: z.string().regex(/^[0-9a-f]{8}$/),
  /** Prefix of this node's module serials: empty on the first node, `N<id>-` on a joined one. */
  serialPrefix: z.string().regex(/^(?:N[0-9a-f]{8}-)?$/),
});
export type NodeIdentity = z.infer<typeof NodeIdentitySchema>;

/** A new node identity: `first` for the node whose first run made the cluster, `joined` after. */
export function newNodeIdentity(kind: 'first' | 'joined'): NodeIdentity {
  const id = randomBytes(4).toString('hex');
  return Object.freeze({ id, serialPrefix: kind === 'first' ? '' : `N${id}-` });
}
