/** User feedback: a learner's 1–5 rating of a generated asset (one per user and asset). */
import { Prisma, type UserFeedback } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';

/** What the userFeedback factory builds: a `UserFeedback` row. */
export type UserFeedbackRow = UserFeedback;

export const userFeedbackDefinition: ModelDefinition<UserFeedbackRow, UserFeedback, object> = {
  key: 'userFeedback',
  table: 'user_feedback',
  fields: Prisma.UserFeedbackScalarFieldEnum,
  parents: [
    { field: 'userId', factory: 'learner' },
    { field: 'assetId', factory: 'generatedAsset' },
  ],
  uniques: [{ fields: ['userId', 'assetId'], constraints: ['user_feedback_user_id_asset_id_key'] }],
  delegate: (client) => client.userFeedback,
  generate: (values, params) => {
    const createdAt = values.date('createdAt');
    return {
      id: values.uuid(),
      userId: params.userId ?? values.uuid('userId'),
      assetId: params.assetId ?? values.uuid('assetId'),
      rating: values.int('rating', 1, 5),
      comment: values.fake('comment', (faker) => faker.lorem.sentence()),
      createdAt,
      updatedAt: createdAt,
    };
  },
};

export class UserFeedbackFactory extends ModelFactory<UserFeedbackRow, UserFeedback> {}
