/** Users: the `learner` and `admin` factories share this definition, so their emails never meet. */
import { Prisma, type User } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';
import type { StudyMaterialRecord } from './study-material.ts';
import { emailLocalPart } from './text.ts';

/** What the learner and admin factories build: a `User` row. */
export type UserRow = User;

/** Values the learner and admin factories derive from but do not store. */
export interface UserTransient {
  /** Derives `displayName` and `email` from these names instead of random ones. */
  readonly firstName: string;
  readonly lastName: string;
}

export const userDefinition: ModelDefinition<UserRow, User, UserTransient> = {
  key: 'user',
  table: 'users',
  fields: Prisma.UserScalarFieldEnum,
  parents: [],
  // users_email_lower_key is a unique index on lower(email): no name-derived rule finds its field.
  uniques: [{ fields: ['email'], constraints: ['users_email_key', 'users_email_lower_key'] }],
  delegate: (client) => client.user,
  generate: (values, _params, transient) => {
    const firstName = transient.firstName ?? values.fake('firstName', (faker) => faker.person.firstName());
    const lastName = transient.lastName ?? values.fake('lastName', (faker) => faker.person.lastName());
    const createdAt = values.date('createdAt');
    return {
      id: values.uuid(),
      // The tag keeps two tests (or two workers) apart, the index two records of one test.
      email: `${emailLocalPart(firstName, lastName)}.${values.tag}${values.index}@example.test`,
      displayName: `${firstName} ${lastName}`,
      role: 'LEARNER',
      createdAt,
      updatedAt: createdAt,
    };
  },
};

/** Options of `withSessions(count, options)`. */
export interface SessionsOptions {
  /** The material the sessions are on; by default each learner gets a material of their own. */
  readonly material?: { readonly id: string };
  /** `COMPLETED`, `ABANDONED` or `ACTIVE` (the default). */
  readonly status?: 'ACTIVE' | 'COMPLETED' | 'ABANDONED';
}

export class UserFactory extends ModelFactory<UserRow, User, UserTransient> {
  /** Each user created gets `count` learning sessions, inserted in one statement for the whole batch. */
  withSessions(count: number, options: SessionsOptions = {}): this {
    this.checkCount('withSessions', count);
    const { material, status } = options;
    return this.afterInsert(async (users, createWith) => {
      const materials = material
        ? users.map(() => material)
        : await createWith(
            'studyMaterial',
            users.map((user) => ({ ownerId: user.id })),
          );
      await createWith(
        'learningSession',
        users.flatMap((user, index) =>
          Array.from({ length: count }, () => ({
            learnerId: user.id,
            // One material per user, in the users' order.
            ...(materials[index] ? { materialId: materials[index].id } : {}),
            ...(status ? { status } : {}),
          })),
        ),
      );
    });
  }

  /** Each user created gets progress on `material`: one row per metric (`{ mastery: 0.6 }` by default). */
  withProgressOn(
    material: Pick<StudyMaterialRecord, 'id'>,
    metrics: Readonly<Record<string, number>> = { mastery: 0.6 },
  ): this {
    return this.afterInsert(async (users, createWith) => {
      await createWith(
        'progressMetric',
        users.flatMap((user) =>
          Object.entries(metrics).map(([metric, value]) => ({
            userId: user.id,
            materialId: material.id,
            metric,
            value,
          })),
        ),
      );
    });
  }
}
