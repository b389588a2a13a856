/*
 * The textual form of ppc's IR. Printing a module and parsing the text back gives the same
 * module, so print(parse(text)) == text for any text the printer wrote.
 *
 *   module @name opsets {"" = 17, ppc = 1} {
 *     constant @wte : f32[96,64] param = external
 *     constant @axes : i64[1] = dense 0x0100000000000000
 *     func @main(%input_ids: i64[batch,seq]) {
 *       %0 = Gather(%wte, %input_ids) {axis = 0} : f32[batch,seq,64] loc("/wte/Gather")
 *       return logits = %0
 *     }
 *   }
 */
grammar PpcIr;

module_ : 'module' symbol opsets '{' constantDecl* function* '}' EOF ;

opsets : 'opsets' '{' (opsetEntry (',' opsetEntry)*)? '}' ;
opsetEntry : name '=' INT ;

constantDecl : 'constant' symbol ':' type PARAM? '=' constantData ;
constantData : EXTERNAL | tensorData ;

function : 'func' symbol '(' (param (',' param)*)? ')' '{' operation* returnStmt '}' ;
param : VALUE ':' type ;
returnStmt : 'return' (output (',' output)*)? ;
output : name '=' VALUE ;

operation : (VALUE (',' VALUE)* '=')? opName '(' (operand (',' operand)*)? ')' attrDict? (':' type (',' type)*)? location? ;
opName : IDENT ;
operand : VALUE | NONE ;
location : 'loc' '(' STRING ')' ;

attrDict : '{' (attribute (',' attribute)*)? '}' ;
attribute : name '=' attrValue ;
attrValue
    : INT                                   # intAttr
    | FLOAT                                 # floatAttr
    | STRING                                # stringAttr
    | '[' INT (',' INT)* ']'                # intsAttr
    | '[' FLOAT (',' FLOAT)* ']'            # floatsAttr
    | '[' STRING (',' STRING)* ']'          # stringsAttr
    | EMPTY_LIST                            # emptyListAttr
    | 'tensor' '<' type tensorData '>'      # tensorAttr
    ;

tensorData : 'dense' HEX                      # hexData
           | 'dense' '[' (STRING (',' STRING)*)? ']'   # stringData
           ;

type : IDENT '[' (dims | '*')? ']' ;
dims : dim (',' dim)* ;
dim : INT | '?' | name ;

symbol : '@' name ;
name : IDENT | STRING | keyword ;
keyword : 'module' | 'opsets' | 'constant' | 'func' | 'return' | 'loc' | 'tensor' | 'dense' ;

PARAM : 'param' ;
EXTERNAL : 'external' ;
NONE : 'none' ;
EMPTY_LIST : 'ints[]' | 'floats[]' | 'strings[]' ;
VALUE : '%' (BARE | STRING) ;
HEX : '0x' [0-9a-fA-F]* ;
FLOAT : '-'? DIGITS '.' DIGITS ([eE] [+-]? DIGITS)? | '-'? 'inf' | 'nan' ;
INT : '-'? DIGITS ;
IDENT : [A-Za-z_] [A-Za-z0-9_.]* ;
// A backslash escapes the next character; \u takes exactly four hex digits (the printer's form).
STRING : '"' (~["\\\r\n] | '\\' ~[u] | '\\u' HEX_DIGIT HEX_DIGIT HEX_DIGIT HEX_DIGIT)* '"' ;
WS : [ \t\r\n]+ -> skip ;
COMMENT : '//' ~[\r\n]* -> skip ;

fragment DIGITS : [0-9]+ ;
fragment HEX_DIGIT : [0-9a-fA-F] ;
fragment BARE : [A-Za-z0-9_.$/-]+ ;
