/**
 * Jupyter's wire format as the kernel tests speak it: messages signed with the connection key
 * (HMAC-SHA256 over header, parent header, metadata and content), and their decoding, with the
 * signature checked.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const DELIM = '<IDS|MSG>';

/** One decoded message: its type, the id of the request it answers, its content. */
export interface WireMessage {
  type: string;
  parent: string;
  content: Record<string, unknown>;
}

/** The frames of a request of type `type` (a client identity first), and its id. */
export function signedFrames(
  key: string,
  type: string,
  content: object,
  date = new Date(),
): { id: string; frames: Buffer[] } {
  const id = randomUUID();
  const header = {
    version: '5.3',
    date: date.toISOString(),
    session: 'test-session',
    username: 'test',
    msg_type: type,
    msg_id: id,
  };
  const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
  const hmac = createHmac('sha256', key);
  for (const p of parts) hmac.update(p);
  const head = [Buffer.from('client'), Buffer.from(DELIM), Buffer.from(hmac.digest('hex'))];
  return { id, frames: [...head, ...parts.map((p) => Buffer.from(p))] };
}

/** Decodes the frames of a message; throws when its signature is not the key's. */
export function decodeFrames(key: string, frames: readonly (Buffer | string)[]): WireMessage {
  const i = frames.findIndex((f) => String(f) === DELIM);
  if (i < 0) throw new Error(`decodeFrames: no ${DELIM} delimiter in ${frames.length} frames`);
  const [hmac, ...parts] = frames.slice(i + 1).map(String);
  const h = createHmac('sha256', key);
  for (const p of parts.slice(0, 4)) h.update(p);
  const want = h.digest('hex');
  if (hmac !== want) throw new Error(`decodeFrames: signature ${hmac}, expected ${want}`);
  const [header, parent, , content] = parts.map((p) => JSON.parse(p));
  return { type: header.msg_type, parent: parent.msg_id, content };
}
