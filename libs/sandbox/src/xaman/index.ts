/**
 * Xaman platform sandbox (SANDBOX ONLY: never used by production configuration).
 * See docs/sandbox-xaman.md.
 */
export { startXamanSandbox, XamanSandboxError, XamanSandboxServer } from './sandbox';
export {
  signPayloadTransaction as signXamanPayloadTransaction,
  type SignInput as XamanSignInput,
  type SignedBlob as XamanSignedBlob,
} from './signing';
export * from './types';
export {
  XAMAN_WEBHOOK_SUCCESS_CODES,
  xamanWebhookSignature,
  type XamanWebhookBody,
  type XamanWebhookDelivery,
} from './webhook';
