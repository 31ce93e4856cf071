import { createHmac } from 'node:crypto';
import { loadMasterKey } from './master-key';

/**
 * The HMAC key of approval links: `CHAINMAIL_APPROVAL_LINK_KEY`, else one derived from the
 * secrets' master key (so `chainmail up`, which makes one, has links with no more setting).
 * Neither: undefined, and checkpoint mails carry no links (replies still work).
 */
export function approvalLinkKey(settings: {
  approvalLinkKey?: string;
  masterKey?: string;
  masterKeyFile?: string;
}): Buffer | undefined {
  if (settings.approvalLinkKey !== undefined && settings.approvalLinkKey.trim() !== '')
    return createHmac('sha256', 'chainmail approval links').update(settings.approvalLinkKey.trim()).digest();
  const master = loadMasterKey(settings);
  return master === undefined
    ? undefined
    : createHmac('sha256', master.bytes).update('chainmail approval links').digest();
}
