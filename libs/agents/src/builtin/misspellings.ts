/**
 * Common English misspellings and their corrections. Only words that are not themselves valid
 * English (so "wether", "calender" or "dependant" are not here): a correction must never be wrong.
 */
const PAIRS = `
teh:the adn:and taht:that thier:their wiht:with waht:what becuase:because beacuse:because
recieve:receive recieved:received recieves:receives recieving:receiving reciept:receipt
acheive:achieve acheived:achieved acheivement:achievement beleive:believe belive:believe
beleived:believed concieve:conceive decieve:deceive percieve:perceive peice:piece freind:friend
wierd:weird seige:siege sieze:seize yeild:yield foriegn:foreign hieght:height
definately:definitely definatly:definitely definetly:definitely seperate:separate seperated:separated
seperately:separately occured:occurred occurence:occurrence occurance:occurrence occuring:occurring
ocurred:occurred untill:until accomodate:accommodate acommodate:accommodate accomodation:accommodation
adress:address adresses:addresses begining:beginning beggining:beginning comming:coming
commited:committed commitee:committee completly:completely concious:conscious embarass:embarrass
enviroment:environment existance:existence experiance:experience familar:familiar finaly:finally
foward:forward goverment:government govenment:government grammer:grammar happend:happened
harrass:harass immediatly:immediately imediately:immediately independant:independent
knowlege:knowledge liason:liaison libary:library maintainance:maintenance maintenence:maintenance
managment:management neccessary:necessary necesary:necessary noticable:noticeable noticably:noticeably
occassion:occasion persistant:persistent posession:possession prefered:preferred publically:publicly
realy:really reccomend:recommend recomend:recommend reccommend:recommend recomendation:recommendation
reccomendation:recommendation refered:referred relevent:relevant relevence:relevance irrelevent:irrelevant
responsability:responsibility succesful:successful successfull:successful succesfully:successfully
sucess:success sucessful:successful supercede:supersede suprise:surprise tommorow:tomorrow
tommorrow:tomorrow truely:truly truley:truly whereever:wherever
buisness:business bussiness:business busines:business competetive:competitive competitve:competitive
competiter:competitor competitior:competitor competiters:competitors competitiors:competitors
analysys:analysis anaylsis:analysis analisys:analysis reserach:research resarch:research
stategy:strategy startegy:strategy strategie:strategy markting:marketing custmer:customer
custmers:customers accross:across agressive:aggressive apparant:apparent apparantly:apparently
arguement:argument basicly:basically carefull:careful catagory:category catagories:categories
collegue:colleague collegues:colleagues comparision:comparison concensus:consensus consistant:consistent
critisism:criticism decison:decision desireable:desirable dissapoint:disappoint dissapointed:disappointed
enterpise:enterprise exellent:excellent explaination:explanation febuary:February fourty:forty
gaurd:guard guage:gauge heirarchy:hierarchy ignorence:ignorance incidently:incidentally
interupt:interrupt lenght:length mispell:misspell neigbor:neighbor oppurtunity:opportunity
opertunity:opportunity oppertunity:opportunity paralel:parallel perfomance:performance
permanant:permanent persue:pursue posible:possible potentialy:potentially probaly:probably
proffesional:professional profesional:professional programatically:programmatically
pronounciation:pronunciation questionaire:questionnaire refrence:reference remeber:remember
repitition:repetition resistence:resistance resturant:restaurant restaraunt:restaurant rythm:rhythm
schedual:schedule shedule:schedule similiar:similar sincerly:sincerely speach:speech strenght:strength
stregth:strength temperture:temperature tendancy:tendency tomatos:tomatoes unfortunatly:unfortunately
usally:usually vaccum:vacuum vacume:vacuum vehical:vehicle writting:writing alledge:allege
aquire:acquire arround:around chalenge:challenge comission:commission developement:development
diffrent:different dilema:dilemma disapear:disappear equiptment:equipment exagerate:exaggerate
excercise:exercise facinating:fascinating gratefull:grateful hygene:hygiene
intial:initial inteligence:intelligence lisence:license millenium:millennium miniscule:minuscule
mischievious:mischievous ommision:omission orignal:original paticular:particular particulary:particularly
percentege:percentage playwrite:playwright preceed:precede propoganda:propaganda reconize:recognize
religous:religious rember:remember reponse:response responce:response sentance:sentence
succeded:succeeded supress:suppress surley:surely tatoo:tattoo tenative:tentative threshhold:threshold
tyrany:tyranny visable:visible withold:withhold accesible:accessible
ammount:amount anually:annually alot:a_lot aswell:as_well atleast:at_least eachother:each_other
infact:in_fact noone:no_one everytime:every_time
dont:don't doesnt:doesn't didnt:didn't isnt:isn't wasnt:wasn't couldnt:couldn't wouldnt:wouldn't
shouldnt:shouldn't arent:aren't werent:weren't hasnt:hasn't havent:haven't thats:that's
theyre:they're youre:you're whats:what's wouldve:would've couldve:could've shouldve:should've
langauge:language lanugage:language calulate:calculate calulation:calculation comunication:communication
comunity:community conection:connection databse:database defintion:definition dependancy:dependency
dependancies:dependencies enviornment:environment exmaple:example funtion:function fucntion:function
improvment:improvement informaton:information infomation:information implmentation:implementation
intergration:integration integartion:integration langugae:language mangement:management
oppinion:opinion paramter:parameter perfom:perform porduct:product prodcut:product qualty:quality
requirment:requirement requirments:requirements reveiw:review revenu:revenue shoudl:should
softare:software sofware:software stratergy:strategy techonology:technology
tecnology:technology thrid:third tranfer:transfer usefull:useful wich:which whcih:which woudl:would
`;

// Written `wrong:right`, with `_` for a space in the correction.
export const MISSPELLINGS: ReadonlyMap<string, string> = new Map(
  PAIRS.trim()
    .split(/\s+/)
    .map((pair) => pair.replace(/_/g, ' ').split(':') as [string, string]),
);
