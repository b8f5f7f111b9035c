package vn.luutru.elasticsearch;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/**
 * The {@code asciifolding} token filter of Elasticsearch's analysis-common module, which is
 * not published on Maven Central for 8.x: the same Lucene filter with the same
 * {@code preserve_original} option, so search/backends/es_mapping.json runs unchanged.
 */
@NamedComponent("asciifolding")
public class AsciiFoldingFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Options {
        @BooleanSetting(path = "preserve_original", defaultValue = false)
        boolean preserveOriginal();
    }

    private final boolean preserveOriginal;

    @Inject
    public AsciiFoldingFactory(Options options) {
        this.preserveOriginal = options.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new ASCIIFoldingFilter(input, preserveOriginal);
    }

    @Override
    public TokenStream normalize(TokenStream input) {
        return new ASCIIFoldingFilter(input, false);
    }
}
