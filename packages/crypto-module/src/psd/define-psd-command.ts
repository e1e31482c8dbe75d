import type { z } from 'zod';
import { guardCheckpoint } from '../checkpoints/checkpoint-keeper.js';
import { checkpointSection } from '../checkpoints/checkpoint-section.js';
import {
  type CommandAuth,
  type CommandRole,
  type CommandSpec,
  defineCommand,
  stay,
} from '../commands/command-spec.js';
import type { HandlerContext, HandlerOutcome } from '../commands/handler-context.js';

/**
 * A PSD command (DESIGN §3.3 second table): module state Operational, audited with an entry (the
 * seed signs entries of package commands only by the every-Nth rule), and — before anything else —
 * the checkpoint comparison of DESIGN §3.6 against the record the host passed.
 */
export function definePsdCommand<S extends z.ZodType<{ checkpoint: string | null }>>(spec: {
  readonly name: string;
  readonly summary: string;
  readonly design: string;
  readonly role: CommandRole;
  readonly auth: CommandAuth;
  readonly request: S;
  readonly accept?: (body: unknown) => z.output<S> | null;
  readonly handler: (ctx: HandlerContext, body: z.output<S>) => HandlerOutcome | Promise<HandlerOutcome>;
}): CommandSpec {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    design: spec.design,
    states: ['O'],
    role: spec.role,
    auth: spec.auth,
    audit: 'entry',
    next: stay,
    request: spec.request,
    ...(spec.accept === undefined ? {} : { accept: spec.accept }),
    handler: (ctx, body) => {
      guardCheckpoint(checkpointSection(ctx), body.checkpoint);
      return spec.handler(ctx, body);
    },
  });
}
