/**
 * The parser of `.reward` files: a Chevrotain CstParser with no embedded actions. Each rule mirrors the rule of the
 * same name in `grammar/reward.ebnf` (item rules carry an `Item` suffix because `input` is taken by CstParser).
 * Two helper rules exist only so every multi-token alternative of `primary` is its own sub-rule:
 * `parenExpr` ("(" expr ")") and `callOrName` (name [ "(" [ args ] ")" ]).
 * `nameWord` is not a rule: it is the `NameWord` token category.
 *
 * `src/parser/toAst.ts` turns the CST into the AST and `src/parser/parse.ts` words the errors.
 */
import type { IParserErrorMessageProvider, TokenType } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import * as T from "./tokens.js";

/**
 * What the parser knew when it failed, handed from the error message provider to `parse.ts`, which owns the wording.
 * Chevrotain's exceptions only carry a message string, so the provider serialises these facts into it.
 */
export interface SyntaxErrorFacts {
  /** The rule that failed, e.g. `letItem`. */
  ruleName: string;
  /** Names of the token types that would have been accepted: the one expected token, or the first of each viable path. */
  expected: string[];
}

const firstTokenNames = (paths: TokenType[][]): string[] => [
  ...new Set(paths.flatMap((path) => (path[0] ? [path[0].name] : []))),
];

const encode = (facts: SyntaxErrorFacts): string => JSON.stringify(facts);

const factsProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) => encode({ ruleName, expected: [expected.name] }),
  buildNotAllInputParsedMessage: ({ ruleName }) => encode({ ruleName, expected: ["EOF"] }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) => encode({ ruleName, expected: firstTokenNames(expectedPathsPerAlt.flat()) }),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) => encode({ ruleName, expected: firstTokenNames(expectedIterationPaths) }),
};

/** The facts behind a recognition exception raised by `rewardParser`, or null for an exception from elsewhere. */
export function syntaxErrorFacts(error: { message: string }): SyntaxErrorFacts | null {
  try {
    const facts: unknown = JSON.parse(error.message);
    if (typeof facts === "object" && facts !== null && "ruleName" in facts && "expected" in facts) return facts as SyntaxErrorFacts;
  } catch {
    // not one of ours
  }
  return null;
}

export class RewardParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      // `program` must tell the header `reward NAME` from the output `reward = expr`, and `arg` a named argument
      // `where: x` from an expression starting with a name: both need two tokens of lookahead, nothing needs more.
      maxLookahead: 2,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: factsProvider,
    });
    this.performSelfAnalysis();
  }

  // program = [ "reward" IDENT ] { item } ;
  public program = this.RULE("program", () => {
    this.OPTION(() => {
      this.CONSUME(T.Reward);
      this.CONSUME(T.Identifier);
    });
    this.MANY(() => this.SUBRULE(this.item));
  });

  // item = import | groupBy | input | param | let | fn | output | metric | state | update | property ;
  public item = this.RULE("item", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importItem) },
      { ALT: () => this.SUBRULE(this.groupByItem) },
      { ALT: () => this.SUBRULE(this.inputItem) },
      { ALT: () => this.SUBRULE(this.paramItem) },
      { ALT: () => this.SUBRULE(this.letItem) },
      { ALT: () => this.SUBRULE(this.fnItem) },
      { ALT: () => this.SUBRULE(this.outputItem) },
      { ALT: () => this.SUBRULE(this.metricItem) },
      { ALT: () => this.SUBRULE(this.stateItem) },
      { ALT: () => this.SUBRULE(this.updateItem) },
      { ALT: () => this.SUBRULE(this.propertyItem) },
    ]);
  });

  // import = "import" STRING "as" IDENT ;
  public importItem = this.RULE("importItem", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.As);
    this.CONSUME(T.Identifier);
  });

  // groupBy = "group" "by" IDENT ;
  public groupByItem = this.RULE("groupByItem", () => {
    this.CONSUME(T.Group);
    this.CONSUME(T.By);
    this.CONSUME(T.Identifier);
  });

  // input = "input" IDENT ":" type [ range ] ;
  public inputItem = this.RULE("inputItem", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.OPTION(() => this.SUBRULE(this.range));
  });

  // param = "param" IDENT ":" type "=" expr [ range ] ;
  public paramItem = this.RULE("paramItem", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
    this.OPTION(() => this.SUBRULE(this.range));
  });

  // let = "let" IDENT "=" expr ;
  public letItem = this.RULE("letItem", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // fn = "fn" IDENT "(" [ fnParam { "," fnParam } ] ")" "=" expr ;
  public fnItem = this.RULE("fnItem", () => {
    this.CONSUME(T.Fn);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE1(this.fnParam);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.fnParam);
      });
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // fnParam = IDENT [ ":" type ] ;
  public fnParam = this.RULE("fnParam", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type);
    });
  });

  // output = ( "reward" | "advantage" | "keep" | "weight" ) "=" expr ;
  public outputItem = this.RULE("outputItem", () => {
    this.CONSUME(T.OutputName);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // metric = "metric" IDENT "=" expr ;
  public metricItem = this.RULE("metricItem", () => {
    this.CONSUME(T.Metric);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // state = "state" IDENT ":" type "=" expr ;
  public stateItem = this.RULE("stateItem", () => {
    this.CONSUME(T.State);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // update = "update" IDENT "=" expr ;
  public updateItem = this.RULE("updateItem", () => {
    this.CONSUME(T.Update);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // property = "property" IDENT ":" law [ "with" setting { "," setting } ] ;
  public propertyItem = this.RULE("propertyItem", () => {
    this.CONSUME(T.Property);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.OR([
      { ALT: () => this.SUBRULE(this.expectClause) },
      { ALT: () => this.SUBRULE(this.pairLaw) },
      { ALT: () => this.SUBRULE(this.transformLaw) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.With);
      this.SUBRULE1(this.setting);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.setting);
      });
    });
  });

  // expectClause = "expect" expr ;
  public expectClause = this.RULE("expectClause", () => {
    this.CONSUME(T.Expect);
    this.SUBRULE(this.expr);
  });

  // pairLaw = "pair" IDENT "," IDENT [ "differ" "in" IDENT { "," IDENT } ] [ "given" expr ] expectClause ;
  public pairLaw = this.RULE("pairLaw", () => {
    this.CONSUME(T.Pair);
    this.CONSUME1(T.Identifier);
    this.CONSUME1(T.Comma);
    this.CONSUME2(T.Identifier);
    this.OPTION1(() => {
      this.CONSUME(T.Differ);
      this.CONSUME(T.In);
      this.CONSUME3(T.Identifier);
      this.MANY(() => {
        this.CONSUME2(T.Comma);
        this.CONSUME4(T.Identifier);
      });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Given);
      this.SUBRULE(this.expr);
    });
    this.SUBRULE(this.expectClause);
  });

  // transformLaw = transform { transform } expectClause ;
  public transformLaw = this.RULE("transformLaw", () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.transform));
    this.SUBRULE(this.expectClause);
  });

  // transform = "transform" IDENT "=" expr ;
  public transform = this.RULE("transform", () => {
    this.CONSUME(T.Transform);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // setting = "group" IDENT bounds | IDENT ( bounds | "in" bounds | "=" expr ) ;
  public setting = this.RULE("setting", () => {
    this.OR1([
      {
        ALT: () => {
          this.CONSUME(T.Group);
          this.CONSUME1(T.Identifier);
          this.SUBRULE1(this.bounds);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Identifier);
          this.OR2([
            { ALT: () => this.SUBRULE2(this.bounds) },
            {
              ALT: () => {
                this.CONSUME(T.In);
                this.SUBRULE3(this.bounds);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Equals);
                this.SUBRULE(this.expr);
              },
            },
          ]);
        },
      },
    ]);
  });

  // bounds = signedNumber ".." signedNumber ;
  public bounds = this.RULE("bounds", () => {
    this.SUBRULE1(this.signedNumber);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.signedNumber);
  });

  // type = ( "bool" | "int" | "float" | "string" ) [ "[" ( IDENT | INT ) "]" ] ;
  public type = this.RULE("type", () => {
    this.CONSUME(T.ScalarType);
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.IntLiteral) }]);
      this.CONSUME(T.RBracket);
    });
  });

  // range = "in" signedNumber ".." signedNumber ;
  public range = this.RULE("range", () => {
    this.CONSUME(T.In);
    this.SUBRULE1(this.signedNumber);
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.signedNumber);
  });

  // signedNumber = [ "-" ] NUMBER ;
  public signedNumber = this.RULE("signedNumber", () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLiteral);
  });

  // expr = ifExpr | matchExpr | orExpr ;
  public expr = this.RULE("expr", () => {
    // `orExpr` reaches `if` and `match` too (through `primary`), so the grammar is ambiguous here; the first
    // alternative wins, as the EBNF's order says. Either way `if c then a else b + 1` is `if c then a else (b + 1)`.
    this.OR([
      { ALT: () => this.SUBRULE(this.ifExpr), IGNORE_AMBIGUITIES: true },
      { ALT: () => this.SUBRULE(this.matchExpr), IGNORE_AMBIGUITIES: true },
      { ALT: () => this.SUBRULE(this.orExpr) },
    ]);
  });

  // ifExpr = "if" expr "then" expr "else" expr ;
  public ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(T.If);
    this.SUBRULE1(this.expr);
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expr);
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expr);
  });

  // matchExpr = "match" "(" expr { "," expr } ")" "{" matchArm { matchArm } "}" ;
  public matchExpr = this.RULE("matchExpr", () => {
    this.CONSUME(T.Match);
    this.CONSUME(T.LParen);
    this.SUBRULE1(this.expr);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr);
    });
    this.CONSUME(T.RParen);
    this.CONSUME(T.LBrace);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.matchArm));
    this.CONSUME(T.RBrace);
  });

  // matchArm = "|" pattern { "," pattern } "=>" expr ;
  public matchArm = this.RULE("matchArm", () => {
    this.CONSUME(T.Pipe);
    this.SUBRULE1(this.pattern);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.pattern);
    });
    this.CONSUME(T.FatArrow);
    this.SUBRULE(this.expr);
  });

  // pattern = "_" | "true" | "false" | [ "-" ] INT ;
  public pattern = this.RULE("pattern", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Underscore) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Minus));
          this.CONSUME(T.IntLiteral);
        },
      },
    ]);
  });

  // orExpr = andExpr { "or" andExpr } ;
  public orExpr = this.RULE("orExpr", () => {
    this.SUBRULE1(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  // andExpr = notExpr { "and" notExpr } ;
  public andExpr = this.RULE("andExpr", () => {
    this.SUBRULE1(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  // notExpr = "not" notExpr | comparison ;
  public notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  // comparison = additive [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) additive ] ;
  public comparison = this.RULE("comparison", () => {
    this.SUBRULE1(this.additive);
    this.OPTION(() => {
      this.CONSUME(T.ComparisonOp);
      this.SUBRULE2(this.additive);
    });
  });

  // additive = multiplicative { ( "+" | "-" ) multiplicative } ;
  public additive = this.RULE("additive", () => {
    this.SUBRULE1(this.multiplicative);
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp);
      this.SUBRULE2(this.multiplicative);
    });
  });

  // multiplicative = unary { ( "*" | "/" | "%" ) unary } ;
  public multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE1(this.unary);
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp);
      this.SUBRULE2(this.unary);
    });
  });

  // unary = "-" unary | power ;
  public unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  // power = postfix [ "**" unary ] ;
  public power = this.RULE("power", () => {
    this.SUBRULE(this.postfix);
    this.OPTION(() => {
      this.CONSUME(T.StarStar);
      this.SUBRULE(this.unary);
    });
  });

  // postfix = primary { "[" expr "]" } ;
  public postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.LBracket);
      this.SUBRULE(this.expr);
      this.CONSUME(T.RBracket);
    });
  });

  // primary = NUMBER | STRING | "true" | "false" | "(" expr ")" | ifExpr | matchExpr | name [ "(" [ args ] ")" ] ;
  public primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.ifExpr) },
      { ALT: () => this.SUBRULE(this.matchExpr) },
      { ALT: () => this.SUBRULE(this.callOrName) },
    ]);
  });

  // "(" expr ")", the fourth alternative of primary
  public parenExpr = this.RULE("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr);
    this.CONSUME(T.RParen);
  });

  // name [ "(" [ args ] ")" ], the last alternative of primary
  public callOrName = this.RULE("callOrName", () => {
    this.SUBRULE(this.name);
    this.OPTION1(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  // name = nameWord [ "." nameWord ] [ "'" ] ;
  public name = this.RULE("name", () => {
    this.CONSUME1(T.NameWord);
    this.OPTION1(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.NameWord);
    });
    this.OPTION2(() => this.CONSUME(T.Prime));
  });

  // args = arg { "," arg } ;
  public args = this.RULE("args", () => {
    this.SUBRULE1(this.arg);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.arg);
    });
  });

  // arg = [ nameWord ":" ] expr ;
  public arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(T.NameWord);
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expr);
  });
}

/** The one parser instance: Chevrotain's grammar self-analysis is slow, so it runs once, at module load. */
export const rewardParser = new RewardParser();

