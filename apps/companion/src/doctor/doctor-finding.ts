/** One diagnosis: what was checked, what was found, and the next step when it is not fine. */
export interface DoctorFinding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly detail: string;
  readonly nextStep?: string;
}
