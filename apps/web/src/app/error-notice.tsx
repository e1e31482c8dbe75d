import type { IndiciumError } from '@indicium/protocol';

/**
 * A refusal as the person reads it (DESIGN §4.1: every error has a stable code and says who must
 * act): what happened, what to do next, and the code for support. `role="alert"` so a screen
 * reader announces it when it appears.
 */
export function ErrorNotice(props: { readonly error: IndiciumError | null }) {
  const { error } = props;
  if (error === null) return null;
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <p className="notice-title">{error.message}</p>
      <p>{error.nextStep}</p>
      <p className="notice-code">
        Code: <code>{error.code}</code>
      </p>
    </div>
  );
}
