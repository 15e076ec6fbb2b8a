/** Audit logs: append-only records of who changed what; the actor is optional (a system job has none). */
import { type AuditLog, Prisma } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';

type JsonColumn = Prisma.InputJsonObject | typeof Prisma.DbNull;
/** What the auditLog factory builds: an `AuditLog`, its JSON columns as Prisma writes them. */
export type AuditLogRow = Omit<AuditLog, 'before' | 'after'> & { before: JsonColumn; after: JsonColumn };

export const auditLogDefinition: ModelDefinition<AuditLogRow, AuditLog, object> = {
  key: 'auditLog',
  table: 'audit_logs',
  fields: Prisma.AuditLogScalarFieldEnum,
  parents: [],
  uniques: [],
  delegate: (client) => client.auditLog,
  generate: (values) => ({
    id: values.uuid(),
    actorId: null,
    action: 'study_material.publish',
    entityType: 'study_material',
    entityId: values.uuid('entityId'),
    before: { status: 'DRAFT' },
    after: { status: 'READY' },
    occurredAt: values.date('occurredAt'),
  }),
};

export class AuditLogFactory extends ModelFactory<AuditLogRow, AuditLog> {
  /** Done by `actor` (a user record). */
  by(actor: { readonly id: string }): this {
    return this.params({ actorId: actor.id });
  }
}
