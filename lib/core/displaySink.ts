/**
 * The shape of a Jupyter display message and of the channel that takes one: the contract between
 * the notebook kernel's display channel (./runtime.ts finds the running kernel's) and the library's
 * notebook output (lib/notebook/display.ts builds the messages). Types only.
 */

/** A Jupyter display bundle: mimetype -> data (strings, base64 for images, JSON objects). */
export type MimeBundle = Record<string, unknown>;

/** Content of a display_data / update_display_data message. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Receives display messages; `update` true replaces the output with the same display id. */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;
