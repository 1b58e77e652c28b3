package org.hybridllm.lifecycle.dataset;

/**
 * How much a dataset version's split leaks, as its API, its console page and the process variable {@code leakage}
 * show it.
 *
 * @param method                     how near-duplicates are found ({@value #METHOD}: MinHash of 5-character shingles,
 *                                   Jaccard similarity)
 * @param threshold                  the Jaccard similarity from which two inputs are near-duplicates
 * @param groups                     near-duplicate groups of two or more rows (each kept in one split)
 * @param groupedRows                rows in such groups
 * @param nearDuplicatesAcrossSplits checked test rows with a verified near-duplicate in train or validation
 * @param testOverlapRate            share of the checked test rows with a verified near-duplicate in train
 * @param flagThreshold              the overlap above which the evaluation on the test split is flagged
 * @param flagged                    {@code testOverlapRate > flagThreshold}
 * @param testRowsChecked            test rows the audit checked (all of them, or a seeded sample of 2,000)
 * @param largeGroupsToTrain         groups too large for a held-out split, put in train
 */
public record DatasetLeakage(String method, double threshold, int groups, int groupedRows,
                             int nearDuplicatesAcrossSplits, double testOverlapRate, double flagThreshold,
                             boolean flagged, int testRowsChecked, int largeGroupsToTrain) {

    public static final String METHOD = "minhash-5gram-jaccard";

    public static DatasetLeakage of(double threshold, int groups, int groupedRows, int nearDuplicatesAcrossSplits,
                                    double testOverlapRate, double flagThreshold, int testRowsChecked,
                                    int largeGroupsToTrain) {
        return new DatasetLeakage(METHOD, threshold, groups, groupedRows, nearDuplicatesAcrossSplits,
                testOverlapRate, flagThreshold, testOverlapRate > flagThreshold, testRowsChecked,
                largeGroupsToTrain);
    }
}
