import { ChainmailError, type PublishWorkflowRequest } from '@chainmail/contracts';
import type { WorkflowEntry } from '@chainmail/catalog';
import { ownerOfPublish } from './publish-owner';

const entry = (owner: string): WorkflowEntry => ({
  name: 'digest',
  owner,
  activeVersion: 1,
  versions: [],
  updatedAt: '',
  lastSeq: 1,
  scheduleStates: {},
});
const request = (over: Partial<PublishWorkflowRequest> = {}): PublishWorkflowRequest => ({
  source: '',
  contentType: 'yaml',
  publishedBy: 'usr_ann',
  owner: 'user:usr_ann',
  publishFor: ['user:usr_ann', 'team:red'],
  visibleTo: ['user:usr_ann', 'team:red', 'team:blue'],
  ...over,
});

function refusal(work: () => unknown): ChainmailError {
  try {
    work();
  } catch (err) {
    if (err instanceof ChainmailError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the owner of a published version', () => {
  it('is the requested owner for a new name', () => {
    expect(ownerOfPublish(request({ owner: 'team:red' }), undefined)).toBe('team:red');
  });

  it("stays the workflow's owner for later versions, by its editors", () => {
    expect(ownerOfPublish(request(), entry('team:red'))).toBe('team:red');
    expect(ownerOfPublish(request({ publishFor: undefined }), entry('default'))).toBe('default');
  });

  it('refuses moving a workflow to another team', () => {
    const moved = refusal(() => ownerOfPublish(request({ owner: 'team:red' }), entry('user:usr_ann')));
    expect(moved.code).toBe('CONFLICT');
  });

  it('is 403 on a workflow seen without the editor role, 409 on one not seen at all (owner unnamed)', () => {
    expect(refusal(() => ownerOfPublish(request(), entry('team:blue'))).code).toBe('FORBIDDEN');
    const taken = refusal(() => ownerOfPublish(request(), entry('user:usr_bob')));
    expect(taken.code).toBe('CONFLICT');
    expect(JSON.stringify(taken.toJSON())).not.toContain('usr_bob');
  });
});
