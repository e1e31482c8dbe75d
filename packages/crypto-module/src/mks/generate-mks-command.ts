import { IndiciumError } from '@indicium/protocol';
import { defineCommand, to } from '../commands/command-spec.js';
import { kcvHex } from './mks-context.js';
import { generateMks } from './mks-generate.js';
import { GenerateMksRequestSchema } from './mks-requests.js';

/**
 * Generate MKS (DESIGN §3.3, §3.4). In Initializing it makes the master's first MKS, active, and the
 * module becomes Operational; in Operational it makes the next version, dormant, to be shared with
 * the pool and activated everywhere in a rollover. Clones never generate.
 */
export const generateMksCommand = defineCommand({
  name: 'generate-mks',
  summary: "Makes the master's MKS (I → O) or a new dormant MKS for a rollover (O).",
  design: 'DESIGN §3.4',
  states: ['I', 'O'],
  role: 'security-officer',
  auth: 'session+logon',
  audit: 'signed-entry',
  next: to('O'),
  request: GenerateMksRequestSchema,
  handler: (ctx) => {
    const section = ctx.nvm.get('mks');
    const initializing = ctx.state.persistent === 'I';
    // Only the master generates (DESIGN §3.4). A clone that could mint its own exportable MKS could
    // translate the pool's tokens into it and export that: "retained" would mean nothing.
    if (section.clone) {
      throw new IndiciumError('WRONG_STATE', {
        detail: 'a clone receives its MKS by shares; only the master generates',
      });
    }
    if (initializing && section.active !== null) {
      throw new IndiciumError('WRONG_STATE', { detail: 'this module already has an MKS' });
    }
    const held = [section.active, ...section.dormant].map((mks) => mks?.version ?? 0);
    const version = Math.max(section.highestVersion, ...held) + 1;
    const mks = generateMks(version, ctx.now);
    ctx.nvm.set('mks', {
      ...section,
      ...(initializing ? { active: mks } : { dormant: [...section.dormant, mks] }),
      highestVersion: version,
    });
    const status = initializing ? 'active' : 'dormant';
    return {
      result: { mksVersion: version, kcv: kcvHex(mks.kcv), status },
      auditData: { mksVersion: String(version), kcv: kcvHex(mks.kcv), status },
    };
  },
});
