import { type FormEvent, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import { useAction } from '../app/use-action.js';

/** Create a web account (DESIGN §6) and go on to the setup wizard. */
export function SignUpPage() {
  const { vault, setSession, navigate } = useServices();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setSession(await vault.signUp({ displayName, email, password }));
      navigate('/setup');
    });
  };

  return (
    <section>
      <PageHeading>Sign up</PageHeading>
      <form onSubmit={submit} aria-busy={busy}>
        <TextField
          label="Your name"
          name="displayName"
          value={displayName}
          onChange={setDisplayName}
          required
          autoComplete="name"
        />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          required
          autoComplete="email"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          required
          autoComplete="new-password"
          hint="At least 12 characters. A few unrelated words make a strong password."
          invalid={error?.field === 'password'}
        />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <AppLink to="/login">Log in</AppLink>
      </p>
    </section>
  );
}
