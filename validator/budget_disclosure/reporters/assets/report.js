(function(){
"use strict";
var RANK={error:3,warning:2,info:1};
function each(root,sel,fn){Array.prototype.forEach.call(root.querySelectorAll(sel),fn);}
function setup(doc){
  var byId={},pop=doc.querySelector(".pop"),ctl={};
  each(doc,"li.finding",function(li){byId[li.id]=li;});
  each(doc,"[data-ctl]",function(s){ctl[s.getAttribute("data-ctl")]=s;s.addEventListener("change",apply);});
  function active(li){
    return (!ctl.sev.value||li.dataset.sev===ctl.sev.value)&&(!ctl.table.value||li.dataset.table===ctl.table.value)
      &&(!ctl.rule.value||li.dataset.rule===ctl.rule.value);
  }
  function apply(){
    var n=0;
    each(doc,"li.finding",function(li){var ok=active(li);li.hidden=!ok;if(ok)n++;});
    each(doc,"[data-f]",function(c){
      var best=0,name="";
      c.getAttribute("data-f").split(" ").forEach(function(id){
        var li=byId[id];if(li&&!li.hidden&&RANK[li.dataset.sev]>best){best=RANK[li.dataset.sev];name=li.dataset.sev;}
      });
      if(name){c.setAttribute("data-mark",name);c.tabIndex=0;}else{c.removeAttribute("data-mark");c.removeAttribute("tabindex");}
    });
    each(doc,".banner li[data-ref]",function(b){b.hidden=byId[b.dataset.ref].hidden;});
    each(doc,".banner",function(b){b.hidden=!b.querySelector("li:not([hidden])");});
    each(doc,"section.tbl",function(s){s.hidden=!!ctl.table.value&&s.dataset.table!==ctl.table.value;});
    each(doc,".sevbtn",function(b){b.setAttribute("aria-pressed",String(b.dataset.sev===ctl.sev.value));});
    each(doc,".tile",function(r){r.setAttribute("aria-pressed",String(r.dataset.table===ctl.table.value));});
    var shown=doc.querySelector(".shown");
    shown.textContent=shown.dataset.tpl.replace("{n}",n).replace("{t}",shown.dataset.total);
    clear();hide();
  }
  function clear(){each(doc,".sel,.rel",function(e){e.classList.remove("sel");e.classList.remove("rel");});}
  function select(li,scroll){
    clear();li.classList.add("sel");
    (li.dataset.rel||"").split(" ").forEach(function(id){var e=id&&document.getElementById(id);if(e)e.classList.add("rel");});
    var cell=li.dataset.cell&&document.getElementById(li.dataset.cell);
    if(cell){cell.classList.add("sel");if(scroll)cell.scrollIntoView({block:"center",inline:"center"});}
    else if(scroll&&li.dataset.section){document.getElementById(li.dataset.section).scrollIntoView({block:"start"});}
    return cell;
  }
  function hide(){pop.hidden=true;while(pop.firstChild)pop.removeChild(pop.firstChild);}
  function show(c){
    hide();
    c.getAttribute("data-f").split(" ").forEach(function(id){
      var li=byId[id];if(li&&!li.hidden){var k=li.cloneNode(true);k.removeAttribute("id");k.removeAttribute("tabindex");
        k.classList.remove("sel");pop.appendChild(k);}
    });
    if(!pop.firstChild)return;
    var r=c.getBoundingClientRect(),d=doc.getBoundingClientRect();
    pop.hidden=false;
    var left=Math.max(0,Math.min(r.left-d.left,d.width-pop.offsetWidth-8));
    pop.style.left=left+"px";pop.style.top=(r.bottom-d.top+6)+"px";
  }
  doc.addEventListener("click",function(e){
    var t=e.target;if(!(t instanceof Element))return;
    var li=t.closest("li.finding");
    if(li&&li.id){select(li,true);return;}
    var b=t.closest(".banner li[data-ref]");
    if(b){select(byId[b.dataset.ref],false);byId[b.dataset.ref].scrollIntoView({block:"nearest"});return;}
    var s=t.closest(".sevbtn");
    if(s){ctl.sev.value=ctl.sev.value===s.dataset.sev?"":s.dataset.sev;apply();return;}
    var r=t.closest(".tile");
    if(r){ctl.table.value=ctl.table.value===r.dataset.table?"":r.dataset.table;apply();
      each(doc,"section.tbl",function(sec){if(ctl.table.value&&sec.dataset.table===ctl.table.value)sec.scrollIntoView({block:"start"});});
      return;}
    if(t.closest(".clear")){ctl.sev.value="";ctl.table.value="";ctl.rule.value="";apply();return;}
    var c=t.closest("[data-mark]");
    if(c){var first=c.getAttribute("data-f").split(" ").map(function(id){return byId[id];}).filter(function(x){return x&&!x.hidden;})[0];
      if(first){select(first,false);first.scrollIntoView({block:"nearest"});c.classList.add("sel");show(c);}}
  });
  doc.addEventListener("keydown",function(e){
    if(e.key==="Escape"){hide();clear();return;}
    if(e.key!=="Enter"&&e.key!==" ")return;
    var t=e.target;if(!(t instanceof Element))return;
    if(t.matches("li.finding,[data-mark],.banner li"))
    {e.preventDefault();t.click();}
  });
  doc.addEventListener("mouseover",function(e){var t=e.target instanceof Element&&e.target.closest("[data-mark]");if(t)show(t);});
  doc.addEventListener("focusin",function(e){var t=e.target instanceof Element&&e.target.closest("[data-mark]");if(t)show(t);});
  doc.addEventListener("mouseout",function(e){var t=e.target instanceof Element&&e.target.closest("[data-mark]");
    if(t&&!(e.relatedTarget instanceof Element&&(t.contains(e.relatedTarget)||pop.contains(e.relatedTarget))))hide();});
  apply();
}
each(document,"section.doc",setup);
})();
