/**
 * The popup (DESIGN §8): asks the background for the companion's status and shows companion, vault
 * and meter status, or the error with its next step.
 */
import { ExtensionToPageSchema } from '@indicium/protocol';
import browser from 'webextension-polyfill';
import { POPUP_PORT } from '../shared/port-names.js';
import { type PopupView, popupViewOfError, popupViewOfStatus } from './popup-view.js';

function show(view: PopupView): void {
  const text = (id: string, value: string) => {
    const element = document.getElementById(id);
    if (element !== null) element.textContent = value;
  };
  text('summary', view.summary);
  text('companion', view.companion);
  text('vault', view.vault);
  text('meters', view.meters);
  const next = document.getElementById('next-step');
  if (next !== null) {
    next.textContent = view.nextStep ?? '';
    next.hidden = view.nextStep === null;
  }
}

const port = browser.runtime.connect({ name: POPUP_PORT });
let answered = false;
port.onMessage.addListener((message: unknown) => {
  const parsed = ExtensionToPageSchema.safeParse(message);
  if (!parsed.success) return;
  const reply = parsed.data;
  if (reply.type === 'response' && reply.for === 'status') {
    answered = true;
    show(popupViewOfStatus(reply.payload));
  } else if (reply.type === 'error') {
    answered = true;
    show(popupViewOfError(reply.error));
  }
});
port.onDisconnect.addListener(() => {
  if (!answered) {
    show({
      summary: 'The extension could not ask the companion.',
      companion: 'Unknown',
      vault: 'Unknown',
      meters: 'Unknown',
      nextStep: 'Close and open this window again.',
    });
  }
});
