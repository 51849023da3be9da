package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.cli.jobs.maven.MavenFile;
import java.io.IOException;
import java.util.List;

/** The evaluation and calibration texts of a run and where they come from. */
final class Texts {
    final List<String> evaluation;
    final String evaluationSource;
    final List<String> calibration;
    final String calibrationSource;

    private Texts(List<String> evaluation, String evaluationSource, List<String> calibration, String calibrationSource) {
        this.evaluation = evaluation;
        this.evaluationSource = evaluationSource;
        this.calibration = calibration;
        this.calibrationSource = calibrationSource;
    }

    /**
     * The texts the options ask for; the built-in corpus is fetched only when used.
     *
     * @param needsCalibration whether calibration texts are needed at all
     */
    static Texts load(EvalOptions o, boolean needsCalibration, MavenFetcher fetcher)
            throws IOException, InterruptedException {
        List<String> corpus = null;
        EvalCorpus.Split split = null;
        boolean builtinEval = o.texts() == null;
        boolean builtinCal = needsCalibration && o.calibrationTexts() == null;
        if (builtinEval || builtinCal) {
            corpus = EvalCorpus.europarlEnglish(fetcher.fetch(MavenFile.EUROPARL));
            int evalCount = builtinEval ? (o.evaluationCount() == 0 ? EvalOptions.DEFAULT_EVALUATION : o.evaluationCount()) : 0;
            split = EvalCorpus.split(corpus, builtinCal ? o.calibrationCount() : 0, evalCount);
        }
        String corpusName = "Europarl English paragraphs (" + MavenFile.EUROPARL.coordinates() + ")";
        List<String> eval = builtinEval ? split.evaluation() : EvalCorpus.readLines(o.texts(), o.evaluationCount());
        String evalSource = builtinEval ? corpusName + ", evaluation part" : o.texts().toString();
        List<String> cal = List.of();
        String calSource = null;
        if (needsCalibration) {
            cal = builtinCal ? split.calibration() : EvalCorpus.readLines(o.calibrationTexts(), o.calibrationCount());
            calSource = builtinCal ? corpusName + ", calibration part" : o.calibrationTexts().toString();
        }
        return new Texts(eval, evalSource, cal, calSource);
    }
}
