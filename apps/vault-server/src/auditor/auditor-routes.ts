import { IndiciumError } from '@indicium/protocol';
import { defineRoute, type Route } from '../http/route.js';
import { AuditReportSchema } from './audit-report.js';
import type { AuditorService } from './auditor-service.js';

/** The auditor's officer endpoints: loopback peers only (socket address, never a header). */
export const AUDITOR_PATHS = Object.freeze({
  verify: '/v1/auditor/verify',
  report: '/v1/auditor/report',
});

/**
 * `POST /v1/auditor/verify` runs a verification now and answers its report (200 even when the
 * report is invalid: the run worked, its finding is in `valid`); `GET /v1/auditor/report` answers
 * the last report (404 `NOT_FOUND` before the first run). Both only for the local machine, like
 * the officer endpoint (DESIGN §6): reports name modules and meters.
 */
export function auditorRoutes(auditor: AuditorService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: AUDITOR_PATHS.verify,
      auth: 'local',
      tag: 'officer',
      summary: "Verify every module's audit chain and every meter's AR now (local machine only)",
      answer: { status: 200, schema: AuditReportSchema },
      handler: async () => ({ json: await auditor.verifyNow() }),
    }),
    defineRoute({
      method: 'get',
      path: AUDITOR_PATHS.report,
      auth: 'local',
      tag: 'officer',
      summary: 'The last audit report (local machine only)',
      answer: { status: 200, schema: AuditReportSchema },
      errors: ['NOT_FOUND'],
      handler: async () => {
        const report = auditor.lastReport();
        if (report === null) {
          throw new IndiciumError('NOT_FOUND', { field: 'report', detail: 'no audit run has finished yet' });
        }
        return { json: report };
      },
    }),
  ];
}
