-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('ADMIN', 'LEARNER');

-- CreateEnum
CREATE TYPE "material_source_type" AS ENUM ('UPLOAD', 'URL', 'TEXT');

-- CreateEnum
CREATE TYPE "material_status" AS ENUM ('DRAFT', 'PROCESSING', 'READY', 'FAILED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "asset_kind" AS ENUM ('FLASHCARD', 'QUIZ', 'SUMMARY', 'EXPLANATION');

-- CreateEnum
CREATE TYPE "session_status" AS ENUM ('ACTIVE', 'COMPLETED', 'ABANDONED');

-- CreateEnum
CREATE TYPE "interaction_type" AS ENUM ('VIEW_CHUNK', 'VIEW_ASSET', 'FLIP_CARD', 'ANSWER', 'SKIP');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" "user_role" NOT NULL DEFAULT 'LEARNER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "study_materials" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "owner_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "source_type" "material_source_type" NOT NULL,
    "source_uri" TEXT,
    "status" "material_status" NOT NULL DEFAULT 'DRAFT',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "study_materials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_chunks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "material_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "token_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "content_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generated_assets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "material_id" UUID NOT NULL,
    "chunk_id" UUID,
    "kind" "asset_kind" NOT NULL,
    "payload" JSONB NOT NULL,
    "model_name" TEXT NOT NULL,
    "model_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generated_assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "learning_sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "learner_id" UUID NOT NULL,
    "material_id" UUID NOT NULL,
    "status" "session_status" NOT NULL DEFAULT 'ACTIVE',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "score" SMALLINT,

    CONSTRAINT "learning_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interactions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "session_id" UUID NOT NULL,
    "asset_id" UUID,
    "type" "interaction_type" NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "interactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_feedback" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "rating" SMALLINT NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "progress_metrics" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "material_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "progress_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" UUID NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "study_materials_owner_id_created_at_idx" ON "study_materials"("owner_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "content_chunks_material_id_ordinal_key" ON "content_chunks"("material_id", "ordinal");

-- CreateIndex
CREATE INDEX "generated_assets_material_id_kind_idx" ON "generated_assets"("material_id", "kind");

-- CreateIndex
CREATE INDEX "generated_assets_chunk_id_idx" ON "generated_assets"("chunk_id");

-- CreateIndex
CREATE INDEX "learning_sessions_learner_id_started_at_idx" ON "learning_sessions"("learner_id", "started_at");

-- CreateIndex
CREATE INDEX "learning_sessions_material_id_idx" ON "learning_sessions"("material_id");

-- CreateIndex
CREATE INDEX "interactions_session_id_occurred_at_idx" ON "interactions"("session_id", "occurred_at");

-- CreateIndex
CREATE INDEX "interactions_asset_id_idx" ON "interactions"("asset_id");

-- CreateIndex
CREATE INDEX "user_feedback_asset_id_idx" ON "user_feedback"("asset_id");

-- CreateIndex
CREATE UNIQUE INDEX "user_feedback_user_id_asset_id_key" ON "user_feedback"("user_id", "asset_id");

-- CreateIndex
CREATE INDEX "progress_metrics_material_id_idx" ON "progress_metrics"("material_id");

-- CreateIndex
CREATE UNIQUE INDEX "progress_metrics_user_id_material_id_metric_key" ON "progress_metrics"("user_id", "material_id", "metric");

-- CreateIndex
CREATE INDEX "audit_logs_actor_id_occurred_at_idx" ON "audit_logs"("actor_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_logs_entity_type_entity_id_occurred_at_idx" ON "audit_logs"("entity_type", "entity_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_logs_occurred_at_idx" ON "audit_logs"("occurred_at");

-- AddForeignKey
ALTER TABLE "study_materials" ADD CONSTRAINT "study_materials_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_chunks" ADD CONSTRAINT "content_chunks_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "study_materials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_assets" ADD CONSTRAINT "generated_assets_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "study_materials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generated_assets" ADD CONSTRAINT "generated_assets_chunk_id_fkey" FOREIGN KEY ("chunk_id") REFERENCES "content_chunks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learning_sessions" ADD CONSTRAINT "learning_sessions_learner_id_fkey" FOREIGN KEY ("learner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "learning_sessions" ADD CONSTRAINT "learning_sessions_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "study_materials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "learning_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "generated_assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_feedback" ADD CONSTRAINT "user_feedback_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_feedback" ADD CONSTRAINT "user_feedback_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "generated_assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_metrics" ADD CONSTRAINT "progress_metrics_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "progress_metrics" ADD CONSTRAINT "progress_metrics_material_id_fkey" FOREIGN KEY ("material_id") REFERENCES "study_materials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-added below this line (made with `migrate dev --create-only`, then edited):
-- Prisma's schema language cannot express CHECK constraints or expression
-- indexes. Specification and rationale: docs/database/schema.md
-- ("Hand-added SQL").
-- "Not blank" means: contains at least one non-whitespace character (~ '\S').

-- users
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"));

ALTER TABLE "users"
  ADD CONSTRAINT "users_email_check"
    CHECK ("email" ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  ADD CONSTRAINT "users_display_name_check"
    CHECK ("display_name" ~ '\S');

-- study_materials
ALTER TABLE "study_materials"
  ADD CONSTRAINT "study_materials_title_check"
    CHECK ("title" ~ '\S'),
  ADD CONSTRAINT "study_materials_source_uri_check"
    CHECK ("source_uri" IS NULL OR "source_uri" ~ '\S'),
  ADD CONSTRAINT "study_materials_url_source_check"
    CHECK ("source_type" <> 'URL' OR "source_uri" IS NOT NULL),
  ADD CONSTRAINT "study_materials_metadata_check"
    CHECK (jsonb_typeof("metadata") = 'object');

-- content_chunks
ALTER TABLE "content_chunks"
  ADD CONSTRAINT "content_chunks_ordinal_check"
    CHECK ("ordinal" >= 0),
  ADD CONSTRAINT "content_chunks_text_check"
    CHECK ("text" ~ '\S'),
  ADD CONSTRAINT "content_chunks_token_count_check"
    CHECK ("token_count" >= 0);

-- generated_assets
ALTER TABLE "generated_assets"
  ADD CONSTRAINT "generated_assets_payload_check"
    CHECK (jsonb_typeof("payload") = 'object'),
  ADD CONSTRAINT "generated_assets_model_name_check"
    CHECK ("model_name" ~ '\S'),
  ADD CONSTRAINT "generated_assets_model_version_check"
    CHECK ("model_version" ~ '\S');

-- learning_sessions
ALTER TABLE "learning_sessions"
  ADD CONSTRAINT "learning_sessions_ended_at_check"
    CHECK ("ended_at" IS NULL OR "ended_at" >= "started_at"),
  ADD CONSTRAINT "learning_sessions_status_check"
    CHECK (("status" = 'ACTIVE') = ("ended_at" IS NULL)),
  ADD CONSTRAINT "learning_sessions_score_check"
    CHECK ("score" IS NULL OR "score" BETWEEN 0 AND 100);

-- interactions
ALTER TABLE "interactions"
  ADD CONSTRAINT "interactions_payload_check"
    CHECK (jsonb_typeof("payload") = 'object');

-- user_feedback
ALTER TABLE "user_feedback"
  ADD CONSTRAINT "user_feedback_rating_check"
    CHECK ("rating" BETWEEN 1 AND 5),
  ADD CONSTRAINT "user_feedback_comment_check"
    CHECK ("comment" IS NULL OR "comment" ~ '\S');

-- progress_metrics
-- value < 'Infinity' also rejects NaN (PostgreSQL sorts NaN above Infinity).
ALTER TABLE "progress_metrics"
  ADD CONSTRAINT "progress_metrics_metric_check"
    CHECK ("metric" ~ '\S'),
  ADD CONSTRAINT "progress_metrics_value_check"
    CHECK ("value" >= 0 AND "value" < 'Infinity'::double precision);

-- audit_logs
ALTER TABLE "audit_logs"
  ADD CONSTRAINT "audit_logs_action_check"
    CHECK ("action" ~ '\S'),
  ADD CONSTRAINT "audit_logs_entity_type_check"
    CHECK ("entity_type" ~ '\S'),
  ADD CONSTRAINT "audit_logs_before_check"
    CHECK ("before" IS NULL OR jsonb_typeof("before") = 'object'),
  ADD CONSTRAINT "audit_logs_after_check"
    CHECK ("after" IS NULL OR jsonb_typeof("after") = 'object');
