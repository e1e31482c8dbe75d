import type { MouseEvent, ReactNode } from 'react';
import { useServices } from './services.js';

/** An ordinary link (works without script, opens in a new tab) that navigates in place on a plain click. */
export function AppLink(props: {
  readonly to: string;
  readonly children: ReactNode;
  readonly current?: boolean;
}) {
  const { navigate } = useServices();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={props.to}
      onClick={onClick}
      {...(props.current === true ? { 'aria-current': 'page' as const } : {})}
    >
      {props.children}
    </a>
  );
}
