/**
 * Stage "dataset": selects, scrubs, de-duplicates and splits ideal outputs into JSONL versions with lineage. Owns
 * dataset_version and its lineage.
 */
package org.hybridllm.lifecycle.dataset;
