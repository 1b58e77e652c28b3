package org.hybridllm.lifecycle.dataset;

/** Times {@link NearDuplicates#group} alone on the dataset benchmark's generated inputs. Arguments: rows. */
public final class GroupingProbe {

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        NearDuplicates near = new NearDuplicates();
        for (int i = 0; i < rows; i++) {
            int text = i % 50 == 7 ? i - 7 : i;
            if (text != i) {
                continue; // exact duplicates are removed before grouping
            }
            near.add(i + 1, "Ticket " + text + ": my order " + (text * 7919 % 100_003)
                    + (text % 100 == 3 ? " (reach me at user" + text + "@example.com)" : "")
                    + " has a problem, please help");
        }
        NearDuplicates.Signatures signatures = near.signatures();
        for (int repeat = 0; repeat < 3; repeat++) {
            long started = System.nanoTime();
            int[] groups = NearDuplicates.group(near.size(), signatures, NearDuplicates.DEFAULT_THRESHOLD);
            long millis = (System.nanoTime() - started) / 1_000_000;
            long checksum = 0;
            int grouped = 0;
            for (int row = 0; row < groups.length; row++) {
                checksum = checksum * 31 + groups[row];
                if (groups[row] != row) {
                    grouped++;
                }
            }
            System.out.printf("%d rows grouped in %d ms, %d rows not first of their group, checksum %x%n",
                    near.size(), millis, grouped, checksum);
        }
    }

    private GroupingProbe() {
    }
}
