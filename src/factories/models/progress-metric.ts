/** Progress metrics: the current value of one measure of a learner's progress on a material. */
import { Prisma, type ProgressMetric } from '../../generated/prisma/client.ts';
import type { ModelDefinition } from '../model-definition.ts';
import { ModelFactory } from '../model-factory.ts';
import { METRICS } from './text.ts';

/** What the progressMetric factory builds: a `ProgressMetric` row. */
export type ProgressMetricRow = ProgressMetric;

export const progressMetricDefinition: ModelDefinition<ProgressMetricRow, ProgressMetric, object> = {
  key: 'progressMetric',
  table: 'progress_metrics',
  fields: Prisma.ProgressMetricScalarFieldEnum,
  parents: [
    { field: 'userId', factory: 'learner' },
    { field: 'materialId', factory: 'studyMaterial' },
  ],
  uniques: [
    { fields: ['userId', 'materialId', 'metric'], constraints: ['progress_metrics_user_id_material_id_metric_key'] },
  ],
  delegate: (client) => client.progressMetric,
  generate: (values, params) => {
    // Named metrics first, then numbered ones: (user, material, metric) is unique, so never repeat a name.
    const round = Math.floor((values.index - 1) / METRICS.length);
    const name = METRICS[(values.index - 1) % METRICS.length] as string;
    return {
      id: values.uuid(),
      userId: params.userId ?? values.uuid('userId'),
      materialId: params.materialId ?? values.uuid('materialId'),
      metric: round === 0 ? name : `${name}_${round + 1}`,
      value: values.int('value', 0, 100) / 100,
      recordedAt: values.date('recordedAt'),
    };
  },
};

export class ProgressMetricFactory extends ModelFactory<ProgressMetricRow, ProgressMetric> {}
